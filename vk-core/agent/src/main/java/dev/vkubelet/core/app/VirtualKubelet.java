package dev.vkubelet.core.app;

import dev.vkubelet.core.Version;
import dev.vkubelet.core.env.EnvResolver;
import dev.vkubelet.core.kube.KubeCertificateRequests;
import dev.vkubelet.core.kube.KubeClients;
import dev.vkubelet.core.kube.KubeEventRecorder;
import dev.vkubelet.core.kube.KubeInformers;
import dev.vkubelet.core.kube.KubeLeaseClient;
import dev.vkubelet.core.kube.KubeNodeClient;
import dev.vkubelet.core.kube.KubePodClient;
import dev.vkubelet.core.kube.KubeReferencedObjects;
import dev.vkubelet.core.kube.RemovedNodes;
import dev.vkubelet.core.kube.RequestRateLimiter;
import dev.vkubelet.core.kube.TooManyRequestsRetry;
import dev.vkubelet.core.kubeletapi.KubeletApiServer;
import dev.vkubelet.core.kubeletapi.ServingCertificates;
import dev.vkubelet.core.kubeletapi.TlsOptions;
import dev.vkubelet.core.metrics.ApiRequestMetrics;
import dev.vkubelet.core.metrics.Instrumentation;
import dev.vkubelet.core.metrics.MetricsServer;
import dev.vkubelet.core.metrics.MicrometerInstrumentation;
import dev.vkubelet.core.node.NodeController;
import dev.vkubelet.core.node.NodeDefaults;
import dev.vkubelet.core.node.NodeLease;
import dev.vkubelet.core.node.NodeLoops;
import dev.vkubelet.core.node.NodeSettings;
import dev.vkubelet.core.ownership.NodeOwnership;
import dev.vkubelet.core.plugin.AvailableProvider;
import dev.vkubelet.core.plugin.PluginHost;
import dev.vkubelet.core.plugin.ProviderHandle;
import dev.vkubelet.core.pod.PodController;
import dev.vkubelet.core.ports.NodePods;
import dev.vkubelet.core.pod.NodeProviders;
import dev.vkubelet.core.pod.PodControllerSettings;
import dev.vkubelet.core.threads.DaemonThreads;
import dev.vkubelet.provider.MultiNodeProvider;
import dev.vkubelet.provider.PodLifecycleHandler;
import dev.vkubelet.provider.ProviderContext;
import dev.vkubelet.tracing.Tracer;
import dev.vkubelet.tracing.exporters.TraceExporters;
import dev.vkubelet.tracing.opencensus.OpenCensusTracing;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1Pod;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running node agent. {@link #start()} brings it up; {@link #close()} takes it down (idempotent). */
public final class VirtualKubelet implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(VirtualKubelet.class);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration REVIEW_TIMEOUT = Duration.ofSeconds(10);
    /** How many times a request the API server refused with 429 is sent again. */
    private static final int API_RETRIES = 3;
    /** How many nodes register at once (each registration waits for a few API calls). */
    private static final int PARALLEL_REGISTRATIONS = 16;
    /** How long a serving certificate request may wait for approval before another is made. */
    private static final Duration CERTIFICATE_WAIT = Duration.ofMinutes(15);

    private final RunConfig config;
    private final UnaryOperator<NodeSettings> settingsOverride;
    private final UnaryOperator<PodControllerSettings> podSettingsOverride;
    private final Function<ProviderContext, PodLifecycleHandler> embeddedProvider;
    private PluginHost plugins;
    private KubeInformers informers;
    private KubeReferencedObjects resources;
    private ProviderHandle provider;
    private NodeLoops nodeLoops;
    private NodeController nodeController;
    /**
     * Every node the process serves now, by name: its provider, kubelet API and controller (the
     * fields above are the first's when the set is static). With {@code --share-nodes}, nodes come
     * and go as this replica gains and hands them over.
     */
    private final Map<String, ServedNode> served = new java.util.concurrent.ConcurrentHashMap<>();
    /** Each node's position in the set (its default kubelet API port is {@code --listen-port} plus this). */
    private final Map<String, Integer> positions = new java.util.HashMap<>();
    /** What makes each node, by name. */
    private final Map<String, NodeDefinition> definitions = new java.util.HashMap<>();
    private Tracer tracer;
    private KubeLeaseClient leaseClient;
    private KubeNodeClient nodeClient;
    /** With {@code --share-nodes}: which nodes this replica serves. */
    private NodeOwnership ownership;
    /** Starting and stopping nodes this replica gains and hands over, off the ownership thread. */
    private java.util.concurrent.ThreadPoolExecutor handovers;
    /** Deregisters nodes taken out of the node set ({@link RemovedNodes}). */
    private java.util.concurrent.ScheduledExecutorService sweeper;
    /** Each node's last start or stop, so the next one waits for it. */
    private final Map<String, java.util.concurrent.CompletableFuture<Void>> turns =
            new java.util.concurrent.ConcurrentHashMap<>();
    private PodController podController;
    private KubeEventRecorder events;
    private TraceExporters exporters;
    private Instrumentation metrics = Instrumentation.NOOP;
    private MicrometerInstrumentation registry;
    private MetricsServer metricsServer;
    /** The kubelet API of every node (one server, a port per node). */
    private KubeletApiServer kubeletApi;
    private ServingCertificates certificates;
    /** The agent's client, for certificate signing requests (set once the clients are built). */
    private volatile ApiClient certificateClient;
    private volatile boolean closed;

    /** A provider instance serving several nodes (a {@link MultiNodeProvider}) and which it serves now. */
    private static final class SharedProvider {
        final ProviderHandle handle;
        final java.util.Set<String> nodes = new java.util.HashSet<>();

        SharedProvider(ProviderHandle handle) {
            this.handle = handle;
        }
    }

    /** The shared provider instances, by group (provider and configuration file). */
    private final Map<String, SharedProvider> sharedProviders = new java.util.HashMap<>();

    /** One node of the process and what serves it. */
    private static final class ServedNode {
        final String name;
        final int port;
        ProviderHandle provider;
        NodeController controller;

        ServedNode(String name, int port) {
            this.name = name;
            this.port = port;
        }
    }

    /** An agent for {@code config}; nothing happens until {@link #start()}. */
    public VirtualKubelet(RunConfig config) {
        this(config, UnaryOperator.identity(), UnaryOperator.identity());
    }

    /** The same, with hooks to change node and pod controller timings (tests use short intervals). */
    public VirtualKubelet(RunConfig config, UnaryOperator<NodeSettings> settingsOverride,
            UnaryOperator<PodControllerSettings> podSettingsOverride) {
        this(config, settingsOverride, podSettingsOverride, null);
    }

    private VirtualKubelet(RunConfig config, UnaryOperator<NodeSettings> settingsOverride,
            UnaryOperator<PodControllerSettings> podSettingsOverride,
            Function<ProviderContext, PodLifecycleHandler> embeddedProvider) {
        this.config = Objects.requireNonNull(config, "config");
        this.settingsOverride = Objects.requireNonNull(settingsOverride, "settingsOverride");
        this.podSettingsOverride = Objects.requireNonNull(podSettingsOverride, "podSettingsOverride");
        this.embeddedProvider = embeddedProvider;
    }

    /**
     * An agent whose provider is built by {@code provider} instead of loaded from a plugin (using
     * the node agent as a library; tests). {@code config.provider()} names it; calls still go
     * through the host's decorator (spans, contained exceptions).
     */
    public static VirtualKubelet embedded(RunConfig config,
            Function<ProviderContext, PodLifecycleHandler> provider,
            UnaryOperator<NodeSettings> settingsOverride, UnaryOperator<PodControllerSettings> podSettingsOverride) {
        return new VirtualKubelet(config, settingsOverride, podSettingsOverride,
                Objects.requireNonNull(provider, "provider"));
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
        RunConfig.ServingCerts certs = config.servingCerts();
        // each takes a good part of a second (key generation; client-java's model classes): made while
        // plugins load
        FutureTask<ServingCertificates> ssl = background("kubelet-api-tls", () -> servingCertificates(certs));
        // the pods' requests; the informers' watches; the kubelet API's reviews (a client of their own,
        // so a flood of bogus credentials never shares a pool or rate limiter with heartbeats); the
        // nodes' heartbeats, leases and status (a connection of their own, outside --kube-api-qps, as
        // the kubelet's heartbeat client: a lease write never queues behind a burst of pod writes)
        FutureTask<ApiClient[]> clients = background("api-clients", () -> new ApiClient[] {
            KubeClients.build(config.kube(), READ_TIMEOUT), KubeClients.build(config.kube(), Duration.ZERO),
            KubeClients.build(config.kube(), REVIEW_TIMEOUT), KubeClients.build(config.kube(), READ_TIMEOUT)});
        Tracer tracer = OpenCensusTracing.configure(config.tracing());
        this.tracer = tracer;
        startObservability();
        if (embeddedProvider == null) {
            plugins = PluginHost.load(config.pluginDir(), Version.pluginApi());
            config.providers().forEach(plugins::require);
            plugins.providers().forEach(p -> metrics.pluginLoaded(p.pluginId(), p.pluginVersion(), p.name()));
        }
        LOG.info("API server: {}", config.kube().describe());
        ApiClient[] built = joined(clients);
        ApiClient client = withRetriesAndMetrics(built[0]);
        certificateClient = client;
        if (config.kubeApiQps() > 0) {
            client.setHttpClient(client.getHttpClient().newBuilder()
                    .addInterceptor(new RequestRateLimiter(config.kubeApiQps(), config.kubeApiBurst())).build());
        }
        ApiClient heartbeatClient = withRetriesAndMetrics(built[3]);
        informers = new KubeInformers(withRetriesAndMetrics(built[1]),
                config.nodeNames(), config.namespace(), config.fullResyncPeriod());
        resources = new KubeReferencedObjects(client, informers::services);
        // --listen-port 0: a free port, held until the kubelet API binds it, because the provider is
        // told the port before that server (which serves the provider) exists; a port only looked up
        // and released could be taken meanwhile, e.g. by one of our own outgoing connections
        List<String> names = config.nodeNames();
        for (int i = 0; i < names.size(); i++) {
            positions.put(names.get(i), i);
        }
        config.nodes().forEach(n -> definitions.put(n.name(), n));
        if (config.sharing().isPresent()) {
            certificates = joined(ssl);
            certificates.start();
            startServing(withRetriesAndMetrics(built[2]), List.of(), List.of(), tracer);
            startNodeLoops(heartbeatClient);
            startPods(client, tracer);
            startOwnership(config.sharing().get());
            startRemovedNodes(client);
            return;
        }
        List<ServedNode> nodes = new ArrayList<>();
        List<java.net.ServerSocket> reserved = new ArrayList<>();
        try {
            for (int i = 0; i < names.size(); i++) {
                java.net.ServerSocket hold = config.listenPort() == 0 ? new java.net.ServerSocket(0) : null;
                reserved.add(hold);
                nodes.add(new ServedNode(names.get(i), hold == null ? config.listenPort() + i : hold.getLocalPort()));
            }
            ApiClient reviewClient = withRetriesAndMetrics(built[2]);
            certificates = joined(ssl);
            certificates.start();
            for (ServedNode node : nodes) {
                createProvider(node, tracer);
                served.put(node.name, node);
            }
            startServing(reviewClient, nodes, reserved, tracer);
        } finally {
            for (java.net.ServerSocket hold : reserved) {
                if (hold != null) {
                    hold.close();
                }
            }
        }
        provider = nodes.get(0).provider;
        startNodeLoops(heartbeatClient);
        startNodes(nodes);
        startPods(client, tracer);
        startRemovedNodes(client);
    }

    /** Sweeps, now and from time to time, for nodes of this agent taken out of its node set. */
    private void startRemovedNodes(ApiClient client) {
        RemovedNodes removed = new RemovedNodes(client, NodeOwnership.labelValue(config.nodeName()),
                new java.util.HashSet<>(config.nodeNames()), NodeDefaults.LEASE_NAMESPACE, NodeDefaults.LEASE_DURATION);
        sweeper = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("removed-nodes"));
        sweeper.execute(new Runnable() {
            @Override
            public void run() {
                Duration next = removed.sweep(java.time.Instant.now());
                try {
                    sweeper.schedule(this, next.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.RejectedExecutionException closing) {
                    // the agent is closing
                }
            }
        });
    }

    /**
     * Shares the node set with the other replicas: nodes this replica gains are started (provider,
     * kubelet API, registration, pods) and those it loses are stopped, a node at a time in order.
     */
    private void startOwnership(RunConfig.Sharing sharing) {
        handovers = new java.util.concurrent.ThreadPoolExecutor(PARALLEL_REGISTRATIONS, PARALLEL_REGISTRATIONS, 30,
                java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(),
                DaemonThreads.named("node-handover"));
        handovers.allowCoreThreadTimeOut(true);
        ownership = new NodeOwnership(leaseClient, new NodeOwnership.Settings(sharing.namespace(),
                nodeSetName(), sharing.replicaId(), sharing.leaseDuration(),
                sharing.renewInterval()), new java.util.HashSet<>(config.nodeNames()), new NodeOwnership.Listener() {
                    @Override
                    public void acquired(String node) {
                        inTurn(node, () -> serveNode(node));
                    }

                    @Override
                    public java.util.concurrent.CompletionStage<?> lost(String node) {
                        // the lease is released once this completes: the next replica starts after this one stopped
                        return inTurn(node, () -> stopServing(node));
                    }
                });
        ownership.start();
        LOG.info("replica {} shares {} nodes of set {} through leases in {}", sharing.replicaId(),
                config.nodeNames().size(), nodeSetName(), sharing.namespace());
    }

    /**
     * The name replicas of one node set share: {@code --nodename} and a digest of the node names,
     * so replicas started with other nodes never count as this set's.
     */
    private String nodeSetName() {
        String names = String.join(",", new java.util.TreeSet<>(config.nodeNames()));
        return config.nodeName() + "-" + Integer.toHexString(names.hashCode());
    }

    /** Runs {@code step} for {@code node} once the node's previous start or stop is over. */
    private java.util.concurrent.CompletableFuture<Void> inTurn(String node, Runnable step) {
        return turns.compute(node, (k, previous) -> (previous == null
                ? java.util.concurrent.CompletableFuture.<Void>completedFuture(null) : previous)
                .handle((done, failed) -> (Void) null).thenRunAsync(step, handovers));
    }

    /** Starts serving a node this replica gained; when that fails, the node is handed back. */
    private void serveNode(String name) {
        if (closed) {
            return;
        }
        ServedNode node = null;
        java.net.ServerSocket hold = null;
        try {
            hold = config.listenPort() == 0 ? new java.net.ServerSocket(0) : null;
            node = new ServedNode(name, hold == null ? config.listenPort() + positions.get(name) : hold.getLocalPort());
            createProvider(node, tracer);
            if (hold != null) {
                hold.close();
                hold = null;
            }
            kubeletApi.serve(endpoint(node));
            node.controller = nodeController(node);
            Duration registration = config.sharing().orElseThrow().leaseDuration();
            node.controller.start(config.startupTimeout().isZero() || config.startupTimeout().compareTo(registration) > 0
                    ? registration : config.startupTimeout());
            served.put(name, node);
            podController.serve(name, node.provider);
            LOG.info("node {} is served by replica {} (kubelet API port {})", name,
                    config.sharing().orElseThrow().replicaId(), node.port);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.warn("cannot serve node {}: {}; handing it back", name, e.toString());
            if (node != null) {
                served.remove(name);
                dismantle(node);
            }
            ownership.handBack(name);
        } finally {
            if (hold != null) {
                try {
                    hold.close();
                } catch (IOException e) {
                    LOG.debug("releasing a reserved port: {}", e.toString());
                }
            }
        }
    }

    /** Stops serving a node this replica lost or hands over; the node stays registered. */
    private void stopServing(String name) {
        ServedNode node = served.remove(name);
        if (node != null) {
            dismantle(node);
            LOG.info("node {} is no longer served here", name);
        }
    }

    private void dismantle(ServedNode node) {
        if (podController != null) {
            podController.stopServing(node.name);
        }
        stop("the node controller of " + node.name, node.controller);
        if (kubeletApi != null) {
            kubeletApi.stopServing(node.name);
        }
        releaseProvider(node);
    }

    /**
     * Gives the node its provider, telling it the node's name and kubelet API port: the instance of
     * its group (same provider, same configuration file) when that is a {@link MultiNodeProvider},
     * else a new one.
     */
    private void createProvider(ServedNode node, Tracer tracer) {
        NodeDefinition definition = definitions.get(node.name);
        ProviderContext context = new ProviderContext(node.name, definition.operatingSystem(), config.internalIp(),
                node.port, config.clusterDomain(), definition.providerConfig(),
                resources.referencedBy(informers.podIndex()), tracer.forPlugins(),
                metrics.providerMetrics(definition.provider()));
        String group = definition.provider() + "|" + definition.providerConfig().map(Object::toString).orElse("");
        if (joinedShared(group, node, context)) {
            return;
        }
        ProviderHandle created = embeddedProvider == null
                ? plugins.createProvider(definition.provider(), context, tracer, metrics)
                : ProviderHandle.of(new AvailableProvider(definition.provider(), "embedded",
                        Version.current(), config.pluginDir()), embeddedProvider.apply(context), tracer, metrics);
        if (created.capability(MultiNodeProvider.class).isPresent()) {
            synchronized (sharedProviders) {
                if (!sharedProviders.containsKey(group)) {
                    SharedProvider shared = new SharedProvider(created);
                    shared.nodes.add(node.name);
                    sharedProviders.put(group, shared);
                    node.provider = created;
                    created = null;
                }
            }
            if (created != null) {
                // another node of the group got there first (nodes start in parallel): join it
                stop("a second provider instance of group " + group, created);
                joinedShared(group, node, context);
                return;
            }
            LOG.info("provider '{}' for node {} (and the other nodes of its configuration) created from {}",
                    node.provider.name(), node.name, node.provider.source().path());
            return;
        }
        node.provider = created;
        LOG.info("provider '{}' for node {} created from {}", node.provider.name(), node.name,
                node.provider.source().path());
    }

    /** Adds the node to its group's shared provider instance, if there is one. */
    private boolean joinedShared(String group, ServedNode node, ProviderContext context) {
        synchronized (sharedProviders) {
            SharedProvider shared = sharedProviders.get(group);
            if (shared == null) {
                return false;
            }
            shared.handle.capability(MultiNodeProvider.class).orElseThrow().addNode(context);
            shared.nodes.add(node.name);
            node.provider = shared.handle;
            return true;
        }
    }

    /** Takes the node from its provider: closes the provider unless it still serves other nodes. */
    private void releaseProvider(ServedNode node) {
        if (node.provider == null) {
            return;
        }
        synchronized (sharedProviders) {
            for (java.util.Iterator<SharedProvider> groups = sharedProviders.values().iterator(); groups.hasNext(); ) {
                SharedProvider shared = groups.next();
                if (shared.handle == node.provider && shared.nodes.remove(node.name)) {
                    try {
                        shared.handle.capability(MultiNodeProvider.class).orElseThrow().removeNode(node.name);
                    } catch (RuntimeException e) {
                        LOG.warn("provider {} could not remove node {}: {}", shared.handle.name(), node.name,
                                e.getMessage());
                    }
                    if (!shared.nodes.isEmpty()) {
                        return;
                    }
                    groups.remove();
                    break;
                }
            }
        }
        stop("the provider of " + node.name, node.provider);
    }

    /**
     * Starts the kubelet API of every node, each on its port, releasing the sockets that hold those
     * ports just before.
     */
    private void startServing(ApiClient reviewClient, List<ServedNode> nodes, List<java.net.ServerSocket> reserved,
            Tracer tracer) throws IOException, InterruptedException {
        List<KubeletApiServer.Endpoint> endpoints = nodes.stream().map(this::endpoint).toList();
        for (java.net.ServerSocket hold : reserved) {
            if (hold != null) {
                hold.close();
            }
        }
        kubeletApi = KubeletApiServer.start(endpoints, certificates, reviewClient, config.anonymousAuth(), tracer,
                Optional.ofNullable(registry).map(MicrometerInstrumentation::registry), metrics,
                new KubeletApiServer.StreamTimeouts(config.streamIdleTimeout(), config.streamCreationTimeout(),
                        config.runtimeRequestTimeout()), KubeletApiServer.Limits.DEFAULTS);
    }

    private KubeletApiServer.Endpoint endpoint(ServedNode node) {
        InetSocketAddress bind = config.listenAddress().isEmpty() ? new InetSocketAddress(node.port)
                : new InetSocketAddress(config.listenAddress(), node.port);
        return new KubeletApiServer.Endpoint(node.name, bind, node.provider, new NodePods(informers.podIndex(), node.name));
    }

    /**
     * The serving certificate: from files, from the cluster (a CertificateSigningRequest through the
     * agent's client, once it exists), or self-signed for the node's name and address.
     */
    private ServingCertificates servingCertificates(RunConfig.ServingCerts certs) throws IOException {
        TlsOptions options = new TlsOptions(certs.minTlsVersion(),
                certs.cipherSuites(), certs.clientCa());
        if (certs.certificate().isPresent()) {
            return ServingCertificates.fromFiles(certs.certificate().get(), certs.key().orElseThrow(), options);
        }
        java.util.List<String> addresses = java.util.List.of(config.internalIp());
        if (certs.rotate()) {
            return ServingCertificates.fromCluster(config.nodeName(), addresses, options, pem ->
                    new KubeCertificateRequests(certificateClient, config.nodeName(), CERTIFICATE_WAIT).sign(pem));
        }
        LOG.warn("no serving certificate given (APISERVER_CERT_LOCATION/APISERVER_KEY_LOCATION,"
                + " --tls-cert-file/--tls-private-key-file or --rotate-server-certificates): using a self-signed"
                + " certificate for {} {}", config.nodeName(), config.internalIp());
        return ServingCertificates.selfSigned(config.nodeName(), addresses, options);
    }

    /** {@code work} started on a daemon thread of its own. */
    private static <T> FutureTask<T> background(String name, java.util.concurrent.Callable<T> work) {
        FutureTask<T> task = new FutureTask<>(work);
        DaemonThreads.start(name, task);
        return task;
    }

    /** What {@code task} made, with its IOException (or runtime failure) as if thrown here. */
    private static <T> T joined(java.util.concurrent.Future<T> task) throws IOException, InterruptedException {
        try {
            return task.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(e.getCause().toString(), e.getCause());
        }
    }

    /** Trace exporters and the metrics endpoint. */
    private void startObservability() throws IOException {
        exporters = TraceExporters.start(config.tracing().exporters(), config.tracing().serviceName(),
                config.tracing().tags());
        if (!config.metricsAddr().isEmpty()) {
            registry = new MicrometerInstrumentation();
            metrics = registry;
            metricsServer = new MetricsServer(MetricsServer.parseAddress(config.metricsAddr()), registry.registry());
            LOG.info("serving metrics at http://{}/metrics", MetricsServer.hostPort(metricsServer.address()));
        }
    }

    /** The heartbeat scheduler all nodes share, and the clients their controllers use. */
    private void startNodeLoops(ApiClient client) {
        nodeLoops = NodeLoops.forNodes(config.nodeNames().size(), metrics);
        nodeLoops.start();
        leaseClient = new KubeLeaseClient(client);
        nodeClient = new KubeNodeClient(client, informers.nodeCache());
    }

    private NodeController nodeController(ServedNode node) {
        NodeDefinition definition = definitions.get(node.name);
        // the agent's label: how a later run with fewer nodes finds this one to deregister it
        Map<String, String> labels = new java.util.LinkedHashMap<>(definition.labels());
        labels.put(RemovedNodes.AGENT_LABEL, NodeOwnership.labelValue(config.nodeName()));
        NodeSettings settings = settingsOverride.apply(NodeSettings.of(node.name, definition.operatingSystem(),
                config.internalIp(), node.port, definition.provider(), definition.taint(), definition.taintEnabled())
                .withNode(labels, definition.extraTaints(), definition.capacity()));
        Optional<NodeLease> lease = config.nodeLeaseEnabled()
                ? Optional.of(new NodeLease(leaseClient, node.name, settings.leaseDuration(), Clock.systemUTC()))
                : Optional.empty();
        return new NodeController(settings, nodeClient, lease, node.provider, tracer, Clock.systemUTC(), metrics,
                nodeLoops);
    }

    /** Registers every node of a static set, a few at a time, and starts their loops. */
    private void startNodes(List<ServedNode> nodes) throws IOException, InterruptedException {
        for (ServedNode node : nodes) {
            node.controller = nodeController(node);
        }
        // nodes register a few at a time: each waits for its API calls, not for the others'
        java.util.concurrent.ExecutorService registering = java.util.concurrent.Executors.newFixedThreadPool(
                Math.min(PARALLEL_REGISTRATIONS, nodes.size()), DaemonThreads.named("node-registration"));
        try {
            List<java.util.concurrent.Future<?>> registered = new ArrayList<>();
            for (ServedNode node : nodes) {
                registered.add(registering.submit(() -> {
                    node.controller.start(config.startupTimeout());
                    LOG.info("node {} is registered (lease in {}: {})", node.name, NodeDefaults.LEASE_NAMESPACE,
                            config.nodeLeaseEnabled() ? "on" : "off");
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> done : registered) {
                joined(done);
            }
        } finally {
            registering.shutdownNow();
        }
        nodeController = nodes.get(0).controller;
    }

    /** The pod controller, fed by the informers once they have listed everything. */
    private void startPods(ApiClient client, Tracer tracer) throws IOException, InterruptedException {
        EnvResolver env = new EnvResolver(resources, this::allocatable);
        events = new KubeEventRecorder(client, config.nodeName(), config.eventQps(), config.eventBurst());
        podController = new PodController(podSettingsOverride.apply(PodControllerSettings.of(config.nodeName(),
                config.internalIp(), config.podSyncWorkers()).withProviderTimeout(config.providerTimeout())),
                informers.podIndex(), new KubePodClient(client),
                events, providers(), env, tracer, Clock.systemUTC(), metrics);
        PodController pods = podController;
        informers.onPods(new ResourceEventHandler<>() {
            @Override
            public void onAdd(V1Pod pod) {
                pods.onAdd(pod);
            }

            @Override
            public void onUpdate(V1Pod old, V1Pod now) {
                pods.onUpdate(old, now);
            }

            @Override
            public void onDelete(V1Pod pod, boolean finalStateUnknown) {
                pods.onDelete(pod);
            }
        });
        informers.start();
        try {
            informers.awaitSynced(config.startupTimeout().isZero() ? Duration.ofDays(365) : config.startupTimeout());
        } catch (TimeoutException e) {
            throw new IOException("the pod watch did not sync: " + e.getMessage(), e);
        }
        pods.start();
        // a node another replica serves counts 0 here, so the series add up across replicas
        metrics.nodes(config.nodeNames(), () -> informers.podIndex().list().stream()
                .filter(p -> p.getSpec() != null && p.getSpec().getNodeName() != null
                        && served.containsKey(p.getSpec().getNodeName()))
                .collect(java.util.stream.Collectors.groupingBy(p -> p.getSpec().getNodeName(),
                        java.util.stream.Collectors.counting())),
                node -> Optional.ofNullable(served.get(node)).map(n -> n.controller)
                        .filter(NodeController::providerHealthy).isPresent(),
                node -> Optional.ofNullable(served.get(node)).map(n -> n.controller).flatMap(NodeController::leaseAge)
                        .map(age -> age.toNanos() / 1e9).orElse(Double.NaN));
    }

    /**
     * {@code client}, carrying the calling thread's trace context, retrying what the API server
     * refuses with 429 (as client-go does) and, with metrics on, counting every attempt.
     */
    private ApiClient withRetriesAndMetrics(ApiClient client) {
        okhttp3.OkHttpClient.Builder builder = client.getHttpClient().newBuilder()
                .addInterceptor(new dev.vkubelet.core.kube.TraceHeaders(tracer))
                .addInterceptor(new TooManyRequestsRetry(API_RETRIES));
        if (registry != null) {
            builder.addInterceptor(new ApiRequestMetrics(metrics));
        }
        client.setHttpClient(builder.build());
        return client;
    }

    /** Where the kubelet API listens, once started. */
    public synchronized Optional<InetSocketAddress> kubeletApiAddress() {
        return Optional.ofNullable(kubeletApi).map(KubeletApiServer::addresses)
                .flatMap(all -> all.values().stream().findFirst());
    }

    /** Where metrics are served, once started (empty when {@code --metrics-addr} is empty). */
    public synchronized Optional<InetSocketAddress> metricsAddress() {
        return Optional.ofNullable(metricsServer).map(MetricsServer::address);
    }

    private Map<String, Quantity> allocatable() {
        // every node of the process comes from one template: any served node's allocatable will do
        NodeController any = nodeController != null ? nodeController : served.values().stream()
                .map(n -> n.controller).filter(Objects::nonNull).findFirst().orElse(null);
        V1Node node = any == null ? null : any.desiredNode();
        return node == null || node.getStatus() == null || node.getStatus().getAllocatable() == null
                ? Map.of() : node.getStatus().getAllocatable();
    }

    private NodeProviders providers() {
        Map<String, ProviderHandle> byNode = new java.util.LinkedHashMap<>();
        inOrder().forEach(n -> byNode.put(n.name, n.provider));
        return NodeProviders.of(byNode);
    }

    /** The nodes served now, in the set's order. */
    private List<ServedNode> inOrder() {
        return served.values().stream().sorted(java.util.Comparator.comparingInt(n -> positions.get(n.name))).toList();
    }

    /** Where each node's kubelet API listens, by node name, once started. */
    public Map<String, InetSocketAddress> kubeletApiAddresses() {
        return kubeletApi == null ? Map.of() : kubeletApi.addresses();
    }

    /** Every node's controller, by node name, once registered. */
    public Map<String, NodeController> nodeControllers() {
        Map<String, NodeController> controllers = new java.util.LinkedHashMap<>();
        inOrder().stream().filter(n -> n.controller != null).forEach(n -> controllers.put(n.name, n.controller));
        return controllers;
    }

    /** The nodes this process serves now (with {@code --share-nodes}, those this replica holds). */
    public java.util.Set<String> servedNodes() {
        return java.util.Set.copyOf(served.keySet());
    }

    /** The provider (the first node's), once created. */
    public synchronized ProviderHandle provider() {
        return provider;
    }

    /** The pod controller, once started. */
    public synchronized PodController podController() {
        return podController;
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
        // a replica first hands its nodes over (each stopped here before its lease is released)
        stop("the node ownership", ownership);
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
        if (handovers != null) {
            handovers.shutdownNow();
        }
        // in this order: nothing new comes in, the loops stop, then what they used goes away
        stop("the kubelet API", kubeletApi);
        stop("the serving certificates", certificates);
        stop("the pod controller", podController);
        stop("the informers", informers);
        stop("the event recorder", events);
        List<ServedNode> nodes = inOrder();
        nodes.forEach(n -> stop("the node controller of " + n.name, n.controller));
        stop("the node loops", nodeLoops);
        // a shared instance closes once, after its last node
        nodes.forEach(this::releaseProvider);
        stop("the plugins", plugins);
        stop("the trace exporters", exporters);
        stop("the metrics server", metricsServer);
        stop("the metrics registry", registry);
        int count = config.nodeNames().size();
        LOG.info("node agent for {} stopped", count > 1 ? count + " nodes" : config.nodeName());
    }

    /** Closes {@code part} if it was started; a failure is logged so the parts after it still close. */
    private static void stop(String what, AutoCloseable part) {
        if (part == null) {
            return;
        }
        try {
            part.close();
        } catch (Exception e) {
            LOG.warn("closing {} failed: {}", what, e.toString());
        }
    }
}
