package dev.vkubelet.provider.azure;

import com.azure.resourcemanager.containerinstance.fluent.models.ContainerGroupInner;
import dev.vkubelet.provider.PodLifecycleHandler;
import dev.vkubelet.provider.ProviderContext;
import dev.vkubelet.provider.ProviderException;
import dev.vkubelet.provider.ProviderFactory;
import dev.vkubelet.provider.azure.aci.ArmClient;
import dev.vkubelet.provider.azure.config.AzureConfig;
import dev.vkubelet.provider.azure.emulator.ArmEmulator;
import dev.vkubelet.provider.cloudkit.JoinedListings;
import dev.vkubelet.tracing.Tracer;
import java.io.IOException;
import java.net.URI;
import java.util.List;
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

    /**
     * Which listings of container groups nodes may share: the same resource group, reached the same
     * way (the identity is the credentials' type, tenant, client and a hash of their secret).
     */
    record GroupListingKey(URI endpoint, String subscription, String resourceGroup, String identity) {}

    /** The host keeps one factory for the process: its nodes share the listings of their resource groups. */
    private final JoinedListings<GroupListingKey, List<ContainerGroupInner>> groupListings = new JoinedListings<>();

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
            AzureConfig.Credentials credentials = config.credentials();
            GroupListingKey key = new GroupListingKey(endpoint, config.subscriptionId(), config.resourceGroup(),
                    credentials.type() + ":" + credentials.tenantId() + ":" + credentials.clientId() + ":"
                            + (credentials.secret() == null ? 0 : credentials.secret().hashCode()));
            AzureProvider provider = new AzureProvider(context, config, tracer, arm, Optional.ofNullable(emulator),
                    groupListings, key);
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
