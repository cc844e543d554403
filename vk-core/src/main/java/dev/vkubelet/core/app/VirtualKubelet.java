package dev.vkubelet.core.app;

import dev.vkubelet.core.Version;
import dev.vkubelet.core.kube.KubeClients;
import dev.vkubelet.core.kube.KubeClusterResources;
import dev.vkubelet.core.kube.KubeLeaseClient;
import dev.vkubelet.core.kube.KubeNodeClient;
import dev.vkubelet.core.kube.RequestRateLimiter;
import dev.vkubelet.core.node.NodeController;
import dev.vkubelet.core.node.NodeDefaults;
import dev.vkubelet.core.node.NodeLease;
import dev.vkubelet.core.node.NodeSettings;
import dev.vkubelet.core.plugin.PluginHost;
import dev.vkubelet.core.plugin.ProviderHandle;
import dev.vkubelet.provider.ProviderContext;
import dev.vkubelet.tracing.Tracer;
import dev.vkubelet.tracing.opencensus.OpenCensusTracing;
import io.kubernetes.client.openapi.ApiClient;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running node agent. {@link #start()} brings it up; {@link #close()} takes it down (idempotent). */
public final class VirtualKubelet implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(VirtualKubelet.class);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private final RunConfig config;
    private final UnaryOperator<NodeSettings> settingsOverride;
    private PluginHost plugins;
    private ProviderHandle provider;
    private NodeController nodeController;
    private boolean closed;

    /** An agent for {@code config}; nothing happens until {@link #start()}. */
    public VirtualKubelet(RunConfig config) {
        this(config, UnaryOperator.identity());
    }

    /** The same, with a hook to change node timings (tests use short intervals). */
    public VirtualKubelet(RunConfig config, UnaryOperator<NodeSettings> settingsOverride) {
        this.config = Objects.requireNonNull(config, "config");
        this.settingsOverride = Objects.requireNonNull(settingsOverride, "settingsOverride");
    }

    /**
     * Loads plugins, creates the provider, registers the node and starts its loops.
     *
     * @throws dev.vkubelet.core.plugin.UnknownProviderException when no plugin offers the provider
     * @throws dev.vkubelet.provider.ProviderException when the provider cannot be created
     * @throws IOException when the kubeconfig is unusable
     * @throws dev.vkubelet.core.ports.ApiFailure when the node cannot be registered in time
     */
    public synchronized void start() throws IOException, InterruptedException {
        Logging.setLevel(config.logLevel());
        Tracer tracer = OpenCensusTracing.configure(config.tracing());
        plugins = PluginHost.load(config.pluginDir(), Version.pluginApi());
        plugins.require(config.provider());
        ApiClient client = KubeClients.build(config.kubeconfig(), READ_TIMEOUT);
        if (config.kubeApiQps() > 0) {
            client.setHttpClient(client.getHttpClient().newBuilder()
                    .addInterceptor(new RequestRateLimiter(config.kubeApiQps(), config.kubeApiBurst())).build());
        }
        ProviderContext context = new ProviderContext(config.nodeName(), config.operatingSystem(), config.internalIp(),
                config.listenPort(), config.clusterDomain(), config.providerConfig(), new KubeClusterResources(client),
                tracer);
        provider = plugins.createProvider(config.provider(), context, tracer);
        LOG.info("provider '{}' created from {}", provider.name(), provider.source().path());
        NodeSettings settings = settingsOverride.apply(NodeSettings.of(config.nodeName(), config.operatingSystem(),
                config.internalIp(), config.listenPort(), config.provider(), config.taint(), config.taintEnabled()));
        Optional<NodeLease> lease = config.nodeLeaseEnabled()
                ? Optional.of(new NodeLease(new KubeLeaseClient(client), config.nodeName(), settings.leaseDuration(),
                        Clock.systemUTC()))
                : Optional.empty();
        nodeController = new NodeController(settings, new KubeNodeClient(client), lease, provider, tracer,
                Clock.systemUTC());
        nodeController.start(config.startupTimeout());
        LOG.info("node {} is registered (lease in {}: {})", config.nodeName(), NodeDefaults.LEASE_NAMESPACE,
                config.nodeLeaseEnabled() ? "on" : "off");
    }

    /** The node controller, once started. */
    public synchronized NodeController nodeController() {
        return nodeController;
    }

    /** The plugin host, once started. */
    public synchronized PluginHost plugins() {
        return plugins;
    }

    /** Stops the loops, closes the provider and unloads plugins. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (nodeController != null) {
            nodeController.close();
        }
        if (provider != null) {
            try {
                provider.close();
            } catch (RuntimeException e) {
                LOG.warn("closing provider {} failed: {}", provider.name(), e.getMessage());
            }
        }
        if (plugins != null) {
            plugins.close();
        }
        LOG.info("node agent for {} stopped", config.nodeName());
    }
}
