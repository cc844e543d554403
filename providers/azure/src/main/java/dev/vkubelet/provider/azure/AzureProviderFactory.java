package dev.vkubelet.provider.azure;

import dev.vkubelet.provider.PodLifecycleHandler;
import dev.vkubelet.provider.ProviderContext;
import dev.vkubelet.provider.ProviderException;
import dev.vkubelet.provider.ProviderFactory;
import dev.vkubelet.provider.azure.aci.ArmClient;
import dev.vkubelet.provider.azure.config.AzureConfig;
import dev.vkubelet.provider.azure.emulator.ArmEmulator;
import dev.vkubelet.tracing.Tracer;
import java.io.IOException;
import java.net.URI;
import java.util.Optional;
import org.pf4j.Extension;

/** The {@code azure} provider: pods as Azure Container Instances container groups. */
@Extension
public final class AzureProviderFactory implements ProviderFactory {

    /** The name users pass to {@code --provider}. */
    public static final String NAME = "azure";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public PodLifecycleHandler create(ProviderContext context) {
        AzureConfig config = context.configPath().map(AzureConfig::load).orElseGet(AzureConfig::defaults);
        Tracer tracer = config.traceGranularity().map(context.tracer()::withGranularity).orElse(context.tracer());
        ArmEmulator emulator = null;
        try {
            if (config.embedded()) {
                emulator = ArmEmulator.start(config.emulator());
            }
            URI endpoint = emulator != null ? emulator.endpoint() : config.armEndpoint().orElseThrow();
            ArmClient arm = new ArmClient(config, endpoint, context.metrics());
            AzureProvider provider = new AzureProvider(context, config, tracer, arm, Optional.ofNullable(emulator));
            provider.start();
            return provider;
        } catch (IOException e) {
            throw new ProviderException("cannot start the embedded ARM emulator: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (emulator != null) {
                emulator.close();
            }
            throw e;
        }
    }
}
