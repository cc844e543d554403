package dev.vkubelet.provider.aws;

import dev.vkubelet.provider.PodLifecycleHandler;
import dev.vkubelet.provider.ProviderContext;
import dev.vkubelet.provider.ProviderException;
import dev.vkubelet.provider.ProviderFactory;
import dev.vkubelet.provider.aws.config.AwsConfig;
import dev.vkubelet.provider.aws.ecs.AwsClients;
import dev.vkubelet.provider.aws.ecs.ClusterTasks;
import dev.vkubelet.provider.aws.ecs.RequestTracing;
import dev.vkubelet.provider.aws.emulator.EcsEmulator;
import dev.vkubelet.tracing.Tracer;
import java.io.IOException;
import java.net.URI;
import java.util.Optional;
import org.pf4j.Extension;

/** The {@code aws} provider: pods as ECS Fargate tasks. */
@Extension
public final class AwsProviderFactory implements ProviderFactory {

    /** The name users pass to {@code --provider}. */
    public static final String NAME = "aws";

    /** The host keeps one factory for the process: its nodes share the listings of their clusters. */
    private final ClusterTasks clusterTasks = new ClusterTasks();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public PodLifecycleHandler create(ProviderContext context) {
        AwsConfig config = context.configPath().map(AwsConfig::load).orElseGet(AwsConfig::defaults);
        Tracer tracer = config.traceGranularity().map(context.tracer()::withGranularity).orElse(context.tracer());
        EcsEmulator emulator = null;
        AwsClients clients = null;
        try {
            if (config.embedded()) {
                emulator = EcsEmulator.start(config.emulator());
            }
            Optional<URI> endpoint = emulator != null ? Optional.of(emulator.endpoint()) : config.endpoint();
            clients = new AwsClients(config, endpoint, new RequestTracing(tracer, context.metrics()));
            ClusterTasks.Key key = new ClusterTasks.Key(endpoint, config.region(), config.cluster(),
                    config.credentials().chain() ? "default chain" : config.credentials().accessKeyId());
            AwsProvider provider = new AwsProvider(context, config, tracer, clients, Optional.ofNullable(emulator),
                    clusterTasks, key);
            provider.start();
            return provider;
        } catch (IOException e) {
            closeQuietly(clients, emulator);
            throw new ProviderException("cannot start the embedded ECS emulator: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(clients, emulator);
            throw e;
        }
    }

    private static void closeQuietly(AwsClients clients, EcsEmulator emulator) {
        if (clients != null) {
            clients.close();
        }
        if (emulator != null) {
            emulator.close();
        }
    }
}
