package dev.vkubelet.core.cli;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import dev.vkubelet.core.app.RunConfig;
import dev.vkubelet.core.kube.KubeAccess;
import dev.vkubelet.core.kube.KubeClients;
import dev.vkubelet.core.node.NodeDefaults;
import dev.vkubelet.core.cli.FlagTypes.GoDuration;
import dev.vkubelet.core.cli.FlagTypes.GoDurationConverter;
import dev.vkubelet.core.cli.FlagTypes.NumberConverter;
import dev.vkubelet.core.cli.FlagTypes.WholeNumberConverter;
import dev.vkubelet.tracing.Granularity;
import dev.vkubelet.tracing.opencensus.TracingConfig;
import dev.vkubelet.tracing.exporters.ExporterSettings;
import io.kubernetes.client.openapi.models.V1Taint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node agent's flags. Defaults that come from environment variables are filled in by the
 * constructor, so a flag on the command line always wins over the environment, and {@code --help}
 * shows the default in effect.
 */
@Parameters(separators = " =")
public class NodeOptions {

    /** Log levels accepted by {@code --log-level} (upstream's {@code fatal} and {@code panic} map to error). */
    private static final Logger LOG = LoggerFactory.getLogger(NodeOptions.class);
    /** The most nodes one process may serve. */
    static final int MAX_NODES = 10_000;

    public static final List<String> LOG_LEVELS = List.of("trace", "debug", "info", "warn", "error", "fatal", "panic");

    private static final Pattern DNS_SUBDOMAIN = Pattern.compile(
            "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Set<String> RESERVED_TAGS = Set.of("provider", "node", "os", "agent");

    private final Map<String, String> env;

    @Parameter(names = "--nodename", description = "Kubernetes node name (env DEFAULT_NODE_NAME)")
    String nodeName;

    @Parameter(names = "--provider", description = "Provider to run pods with (see `virtual-kubelet providers`)")
    String provider;

    @Parameter(names = "--provider-config", description = "Provider configuration file")
    String providerConfig;

    @Parameter(names = "--kubeconfig",
            description = "Kubeconfig file for the API server (env KUBECONFIG, then ~/.kube/config, then in-cluster)")
    String kubeconfig;

    @Parameter(names = "--service-account-dir", description = "In a cluster (no kubeconfig, KUBERNETES_SERVICE_HOST"
            + " and KUBERNETES_SERVICE_PORT set): the directory holding the service account's token and ca.crt (env"
            + " VKUBELET_SERVICE_ACCOUNT_DIR)")
    String serviceAccountDir;

    @Parameter(names = "--namespace", description = "Only run pods of this namespace (default: all namespaces)")
    String namespace = "";

    @Parameter(names = "--cluster-domain", description = "Kubernetes cluster domain")
    String clusterDomain = "cluster.local";

    @Parameter(names = "--os", description = "Operating system of the node: linux or windows (case-insensitive)")
    String os = "linux";

    @Parameter(names = "--listen-port",
            description = "Port of the kubelet API (HTTPS), advertised in the node's daemon endpoints; 0 picks a free"
                    + " port (env KUBELET_PORT)")
    String listenPort;

    @Parameter(names = "--listen-address", description = "Address the kubelet API binds (default: all interfaces)")
    String listenAddress = "";

    @Parameter(names = "--anonymous-auth", arity = 1, description = "Let kubelet API requests without credentials"
            + " through as system:anonymous (they are still authorised by SubjectAccessReview)")
    boolean anonymousAuth;

    @Parameter(names = "--tls-cert-file", description = "Kubelet API serving certificate, PEM (env"
            + " APISERVER_CERT_LOCATION; without it a self-signed certificate is made)")
    String tlsCertFile;

    @Parameter(names = "--tls-private-key-file", description = "Kubelet API serving key, PEM (env"
            + " APISERVER_KEY_LOCATION)")
    String tlsKeyFile;

    @Parameter(names = "--rotate-server-certificates", arity = 1, description = "Serve the kubelet API with a"
            + " certificate the cluster issues (a CertificateSigningRequest for signer kubernetes.io/kubelet-serving,"
            + " approved by an administrator), renewed at 80 % of its lifetime; self-signed until issued")
    boolean rotateServerCertificates;

    @Parameter(names = "--tls-min-version", description = "Lowest TLS version of the kubelet API: VersionTLS12 or"
            + " VersionTLS13")
    String tlsMinVersion = "VersionTLS12";

    @Parameter(names = "--tls-cipher-suites", description = "Comma-separated TLS 1.2 cipher suites of the kubelet"
            + " API (IANA names, as the kubelet takes them); TLS 1.3's are fixed; default: the JDK's")
    String tlsCipherSuites;

    @Parameter(names = "--client-ca-file", description = "CA that kubelet API client certificates must chain to"
            + " (env APISERVER_CA_CERT_LOCATION; without it only bearer tokens authenticate)")
    String clientCaFile;

    @Parameter(names = "--metrics-addr", description = "host:port or :port to serve Prometheus metrics on at"
            + " /metrics (plain HTTP; port 0 picks a free port; empty disables)")
    String metricsAddr = ":10255";

    @Parameter(names = "--taint", description = "Node taint: key, key=value, key:effect or key=value:effect "
            + "(env VKUBELET_TAINT_KEY, VKUBELET_TAINT_VALUE, VKUBELET_TAINT_EFFECT; value defaults to the provider"
            + " name, effect to NoSchedule)")
    String taint;

    @Parameter(names = "--disable-taint", description = "Do not taint the node (removes the taint from an existing node)")
    boolean disableTaint;

    @Parameter(names = "--enable-node-lease", arity = 1,
            description = "Keep a Lease in kube-node-lease as the node heartbeat")
    boolean enableNodeLease = true;

    @Parameter(names = "--node-count", description = "How many nodes this process serves, from the same template:"
            + " 1 is the node --nodename; more are --nodename-0, --nodename-1, ... (each with its own kubelet API"
            + " port, counting up from --listen-port)", converter = WholeNumberConverter.class)
    int nodeCount = 1;

    @Parameter(names = "--nodes-config", description = "YAML file listing this process's nodes one by one (name,"
            + " provider, providerConfig, os, labels, taints, capacity), for mixed fleets; instead of --node-count."
            + " Entries fall back on --provider, --provider-config, --os and --taint")
    String nodesConfig;

    @Parameter(names = "--share-nodes", description = "Share this process's nodes with the other replicas started"
            + " with the same --nodename and --node-count: each node is served by one replica at a time, through"
            + " Leases in --ownership-namespace; nodes spread evenly, move at once when a replica stops and within"
            + " --ownership-lease-duration when one dies")
    boolean shareNodes;

    @Parameter(names = "--replica-id", description = "This replica's identity with --share-nodes (env POD_NAME;"
            + " default: host name and process id)")
    String replicaId;

    @Parameter(names = "--ownership-namespace", description = "Where the node ownership Leases of --share-nodes live")
    String ownershipNamespace = "kube-node-lease";

    @Parameter(names = "--ownership-lease-duration", description = "How long a replica that stopped renewing its"
            + " Lease still holds its nodes (--share-nodes); it renews every quarter of this",
            converter = GoDurationConverter.class)
    GoDuration ownershipLeaseDuration = GoDuration.parse("20s");

    @Parameter(names = "--pod-sync-workers",
            description = "Number of pod synchronization workers (and as many status workers)", converter = WholeNumberConverter.class)
    int podSyncWorkers = 10;

    @Parameter(names = "--full-resync-period", description = "How often to resync all pods with the provider", converter = GoDurationConverter.class)
    GoDuration fullResyncPeriod = GoDuration.parse("1m");

    @Parameter(names = "--startup-timeout",
            description = "How long registering the node may take before the process exits (0: wait forever)", converter = GoDurationConverter.class)
    GoDuration startupTimeout = GoDuration.parse("0");

    @Parameter(names = "--provider-timeout", description = "A provider call (create, update, delete, status) that"
            + " takes longer is abandoned and retried with backoff", converter = GoDurationConverter.class)
    GoDuration providerTimeout = GoDuration.parse("60s");

    @Parameter(names = "--stream-idle-timeout", description = "A kubelet API connection with no traffic for this"
            + " long is closed (exec/attach/port-forward sessions, idle and half-open connections)", converter = GoDurationConverter.class)
    GoDuration streamIdleTimeout = GoDuration.parse("30s");

    @Parameter(names = "--runtime-request-timeout", description = "A provider call the kubelet API makes for a"
            + " request (running pods, stats, metrics, opening logs) that takes longer answers 504", converter = GoDurationConverter.class)
    GoDuration runtimeRequestTimeout = GoDuration.parse("20s");

    @Parameter(names = "--stream-creation-timeout",
            description = "A port-forward session whose client opens no stream within this time is closed", converter = GoDurationConverter.class)
    GoDuration streamCreationTimeout = GoDuration.parse("30s");

    @Parameter(names = "--kube-api-qps", description = "Requests per second to the API server (0: unlimited)", converter = NumberConverter.class)
    double kubeApiQps;

    @Parameter(names = "--kube-api-burst", description = "Burst of requests above --kube-api-qps", converter = WholeNumberConverter.class)
    int kubeApiBurst = 10;

    @Parameter(names = "--event-qps", description = "Events written to the API server per second, behind pod"
            + " status writes; events beyond the burst wait their turn (0: unlimited)", converter = NumberConverter.class)
    double eventQps = 5;

    @Parameter(names = "--event-burst", description = "Events written at once above --event-qps", converter = WholeNumberConverter.class)
    int eventBurst = 10;

    @Parameter(names = "--trace-exporter", description = "Trace exporter, repeatable or comma-separated: "
            + "jaeger (JAEGER_ENDPOINT or JAEGER_AGENT_ENDPOINT), zpages (ZPAGES_PORT), zipkin (ZIPKIN_ENDPOINT),"
            + " file (VK_TRACE_FILE), otlp (OTEL_EXPORTER_OTLP_*); none: no export")
    List<String> traceExporters = new ArrayList<>();

    @Parameter(names = "--trace-service-name", description = "Service name reported with traces (default:"
            + " OTEL_SERVICE_NAME, else service.name in OTEL_RESOURCE_ATTRIBUTES, else virtual-kubelet)")
    String traceServiceName;

    @Parameter(names = "--trace-tag", description = "Tag added to every span, key=value, repeatable")
    List<String> traceTags = new ArrayList<>();

    @Parameter(names = "--trace-sample-rate", description = "Percentage of traces recorded: 0 to 100, or always"
            + " (100) or never (0) (default: OpenCensus' 1 in 10,000)")
    String traceSampleRate;

    @Parameter(names = "--trace-granularity", description = "How much detail provider plugins record in traces:"
            + " coarse (only the host's span per provider call), normal (the plugin's backend calls), fine (also"
            + " retries, polls, waits); a provider's own config may override it")
    String traceGranularity = "normal";

    @Parameter(names = "--trace-propagation", description = "Formats outgoing requests (API server, cloud SDKs)"
            + " carry the trace context in: w3c (traceparent), b3, or both (w3c,b3)")
    String tracePropagation = "w3c";

    @Parameter(names = "--log-level", description = "Log level: trace, debug, info, warn, error")
    String logLevel = "info";

    @Parameter(names = "--plugin-dir", description = "Directory of provider plugin jars")
    String pluginDir;

    @Parameter(names = {"--help", "-h"}, help = true, description = "Show this help")
    boolean help;

    @Parameter(names = "--version", help = true, description = "Print the version (as the version command does)")
    boolean version;

    /** True for a node of a cluster started later ({@link #forLocalCluster}). */
    private boolean localCluster;

    /** Options whose defaults come from {@code env} and, for paths, {@code installHome}. */
    public NodeOptions(Map<String, String> env, Path home, Optional<Path> installHome) {
        this.env = Map.copyOf(env);
        this.nodeName = env.getOrDefault("DEFAULT_NODE_NAME", "virtual-kubelet");
        this.listenPort = env.getOrDefault("KUBELET_PORT", "10250");
        this.tlsCertFile = env.get("APISERVER_CERT_LOCATION");
        this.tlsKeyFile = env.get("APISERVER_KEY_LOCATION");
        this.clientCaFile = env.get("APISERVER_CA_CERT_LOCATION");
        this.kubeconfig = KubeClients.resolveKubeconfig(Optional.empty(), env, home).map(Path::toString).orElse(null);
        this.serviceAccountDir = env.getOrDefault("VKUBELET_SERVICE_ACCOUNT_DIR",
                KubeAccess.SERVICE_ACCOUNT_DIR.toString());
        this.pluginDir = installHome.map(h -> h.resolve("plugins")).orElse(Path.of("plugins")).toString();
    }

    /**
     * Options for a node whose cluster does not exist yet (the launcher's {@code local} mode): no
     * kubeconfig is looked for, and the provider defaults to {@code mock}. The run configuration's
     * cluster access is a placeholder that {@link RunConfig#forLocalControlPlane} replaces.
     */
    public static NodeOptions forLocalCluster(Map<String, String> env, Path home, Optional<Path> installHome) {
        NodeOptions options = new NodeOptions(env, home, installHome);
        options.kubeconfig = null;
        options.localCluster = true;
        return options;
    }

    /**
     * The run configuration of these flags ({@code --kubeconfig} among them), with defaults from
     * {@code env}: how tools that start an agent of their own build its configuration.
     */
    public static RunConfig runConfigOf(Map<String, String> env, List<String> flags) {
        NodeOptions options = new NodeOptions(env, Path.of("/nonexistent"), Optional.empty());
        try {
            com.beust.jcommander.JCommander.newBuilder().addObject(options).build().parse(flags.toArray(String[]::new));
        } catch (com.beust.jcommander.ParameterException e) {
            throw new UsageException(e.getMessage());
        }
        return options.toRunConfig();
    }

    /** Whether {@code --help} was given. */
    public boolean helpRequested() {
        return help;
    }

    /** For options made by {@link #forLocalCluster}: whether {@code --kubeconfig} was given (it cannot be). */
    public boolean kubeconfigGiven() {
        return localCluster && kubeconfig != null;
    }

    /** Validates every value and resolves the configuration. */
    public RunConfig toRunConfig() {
        if (localCluster && provider == null) {
            provider = "mock";
        }
        if ((provider == null || provider.isBlank()) && nodesConfig == null) {
            throw new UsageException("--provider is required (list the installed ones with `virtual-kubelet providers`)");
        }
        if (nodeName == null || nodeName.length() > 253 || !DNS_SUBDOMAIN.matcher(nodeName).matches()) {
            throw new UsageException("--nodename '" + nodeName + "' is not a valid node name (lower-case DNS subdomain)");
        }
        Optional<Path> config = Optional.ofNullable(providerConfig).map(Path::of);
        config.ifPresent(p -> {
            if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
                throw new UsageException("--provider-config " + p + " does not exist or is not a readable file");
            }
        });
        String operatingSystem = os.toLowerCase(Locale.ROOT);
        if (!operatingSystem.equals("linux") && !operatingSystem.equals("windows")) {
            throw new UsageException("--os '" + os + "' is not supported: use linux or windows");
        }
        int port = integer("--listen-port", listenPort);
        if (port < 0 || port > 65535) {
            throw new UsageException("--listen-port must be a port between 0 and 65535, got " + listenPort);
        }
        if (port > 0 && port + nodeCount - 1 > 65535) {
            throw new UsageException("--listen-port " + port + " leaves no room for " + nodeCount + " nodes' ports");
        }
        if (!namespace.isEmpty() && !DNS_SUBDOMAIN.matcher(namespace).matches()) {
            throw new UsageException("--namespace '" + namespace + "' is not a valid namespace name");
        }
        if (!DNS_SUBDOMAIN.matcher(clusterDomain).matches()) {
            throw new UsageException("--cluster-domain '" + clusterDomain + "' is not a valid DNS domain");
        }
        if (!metricsAddr.isEmpty()) {
            checkListenAddress("--metrics-addr", metricsAddr);
        }
        int workers = podSyncWorkers;
        if (workers < 1) {
            throw new UsageException("--pod-sync-workers must be at least 1, got " + workers);
        }
        Duration resync = fullResyncPeriod.value();
        if (resync.isZero()) {
            throw new UsageException("--full-resync-period must be positive, got " + fullResyncPeriod);
        }
        Duration startup = startupTimeout.value();
        Duration providerLimit = providerTimeout.value();
        if (providerLimit.isZero()) {
            throw new UsageException("--provider-timeout must be positive, got " + providerTimeout);
        }
        Duration idle = streamIdleTimeout.value();
        Duration creation = streamCreationTimeout.value();
        if (idle.isZero() || creation.isZero()) {
            throw new UsageException("--stream-idle-timeout and --stream-creation-timeout must be positive");
        }
        Duration runtimeRequest = runtimeRequestTimeout.value();
        if (runtimeRequest.isZero()) {
            throw new UsageException("--runtime-request-timeout must be positive, got " + runtimeRequestTimeout);
        }
        double qps = kubeApiQps;
        int burst = kubeApiBurst;
        if (qps < 0 || burst < 1) {
            throw new UsageException("--kube-api-qps must be >= 0 and --kube-api-burst >= 1");
        }
        double eventsPerSecond = eventQps;
        int eventsAtOnce = eventBurst;
        if (eventsPerSecond < 0 || eventsAtOnce < 1) {
            throw new UsageException("--event-qps must be >= 0 and --event-burst >= 1");
        }
        String level = logLevel.toLowerCase(Locale.ROOT);
        if (!LOG_LEVELS.contains(level)) {
            throw new UsageException("--log-level '" + logLevel + "' is not one of trace, debug, info, warn, error");
        }
        KubeAccess kube = kubeAccess();
        List<dev.vkubelet.core.app.NodeDefinition> defined = definedNodes(config, operatingSystem);
        if (port > 0 && port + defined.size() - 1 > 65535) {
            throw new UsageException("--listen-port " + port + " leaves no room for " + defined.size() + " nodes' ports");
        }
        return new RunConfig(nodeName, provider, config, kube, namespace, clusterDomain, operatingSystem,
                internalIp(), port, metricsAddr, resolveTaint(), !disableTaint, enableNodeLease, workers, resync,
                startup, idle, creation, qps, burst, eventsPerSecond, eventsAtOnce, tracing(defined), level,
                Path.of(pluginDir), listenAddress, anonymousAuth, servingCerts(), providerLimit, runtimeRequest,
                nodeCount(), sharing(), defined);
    }

    /** The nodes of {@code --nodes-config}, or none (the template's then). Sets --provider when not given. */
    private List<dev.vkubelet.core.app.NodeDefinition> definedNodes(Optional<Path> config, String operatingSystem) {
        if (nodesConfig == null) {
            return List.of();
        }
        if (nodeCount != 1) {
            throw new UsageException("--nodes-config lists the nodes: it cannot be used with --node-count");
        }
        Path file = Path.of(nodesConfig);
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new UsageException("--nodes-config " + file + " does not exist or is not a readable file");
        }
        boolean valueGiven = taint != null && taint.contains("=") || env.containsKey("VKUBELET_TAINT_VALUE");
        String fallback = provider;
        if (fallback == null || fallback.isBlank()) {
            provider = "mock"; // only to check the taint's other parts; each entry names its provider
        }
        V1Taint template = resolveTaint();
        provider = fallback;
        List<dev.vkubelet.core.app.NodeDefinition> nodes = NodesFile.read(file, new NodesFile.Defaults(
                fallback == null || fallback.isBlank() ? null : fallback, config, operatingSystem, template, valueGiven,
                !disableTaint));
        if (provider == null || provider.isBlank()) {
            provider = nodes.get(0).provider();
        }
        return nodes;
    }

    private Optional<RunConfig.Sharing> sharing() {
        if (!shareNodes) {
            if (replicaId != null) {
                throw new UsageException("--replica-id names this replica among those that share nodes: it needs"
                        + " --share-nodes");
            }
            return Optional.empty();
        }
        if (rotateServerCertificates) {
            throw new UsageException("--rotate-server-certificates serves one node from one process: it cannot be used"
                    + " with --share-nodes yet");
        }
        if (!DNS_SUBDOMAIN.matcher(ownershipNamespace).matches()) {
            throw new UsageException("--ownership-namespace '" + ownershipNamespace + "' is not a valid namespace name");
        }
        Duration lease = ownershipLeaseDuration.value();
        if (lease.compareTo(Duration.ofSeconds(4)) < 0) {
            throw new UsageException("--ownership-lease-duration must be at least 4s, got " + ownershipLeaseDuration);
        }
        String id = replicaId != null ? replicaId
                : Optional.ofNullable(env.get("POD_NAME")).filter(s -> !s.isBlank()).orElseGet(NodeOptions::hostAndPid);
        if (id.isBlank()) {
            throw new UsageException("--replica-id must not be empty");
        }
        return Optional.of(new RunConfig.Sharing(id, ownershipNamespace, lease, lease.dividedBy(4)));
    }

    private static String hostAndPid() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "localhost";
        }
        return host + "-" + ProcessHandle.current().pid();
    }

    private int nodeCount() {
        if (nodeCount < 1 || nodeCount > MAX_NODES) {
            throw new UsageException("--node-count must be between 1 and " + MAX_NODES + ", got " + nodeCount);
        }
        if (nodeCount > 1 && rotateServerCertificates) {
            throw new UsageException("--rotate-server-certificates serves one node: it cannot be used with --node-count"
                    + " above 1 yet");
        }
        String last = RunConfig.nodeName(nodeName, nodeCount, nodeCount - 1);
        if (last.length() > 253) {
            throw new UsageException("--nodename '" + nodeName + "' is too long for --node-count " + nodeCount);
        }
        return nodeCount;
    }

    /** The kubeconfig when one is given or found, else the in-cluster service account. */
    KubeAccess kubeAccess() {
        if (localCluster) {
            return new KubeAccess.Kubeconfig(Path.of("local-control-plane.kubeconfig"));
        }
        if (kubeconfig != null && !kubeconfig.isBlank()) {
            Path file = Path.of(kubeconfig);
            if (!Files.isReadable(file)) {
                throw new UsageException("kubeconfig " + file + " does not exist or is not readable (--kubeconfig, "
                        + "KUBECONFIG)");
            }
            return new KubeAccess.Kubeconfig(file);
        }
        try {
            return KubeAccess.InCluster.fromEnvironment(env, Path.of(serviceAccountDir));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private String internalIp() {
        String ip = env.getOrDefault("VKUBELET_POD_IP", "127.0.0.1");
        if (!ip.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}") && !ip.matches("[0-9a-fA-F:]+")) {
            throw new UsageException("VKUBELET_POD_IP '" + ip + "' is not an IP address");
        }
        return ip;
    }

    /** The taint from {@code --taint} (which wins) or the VKUBELET_TAINT_* variables, or the default. */
    V1Taint resolveTaint() {
        String key = env.getOrDefault("VKUBELET_TAINT_KEY", NodeDefaults.TAINT_KEY);
        String value = env.getOrDefault("VKUBELET_TAINT_VALUE", provider);
        String effect = env.getOrDefault("VKUBELET_TAINT_EFFECT", NodeDefaults.TAINT_EFFECT);
        if (taint != null) {
            return TaintSpec.parse("--taint", taint, new V1Taint().key(key).value(value).effect(effect));
        }
        return TaintSpec.checked("VKUBELET_TAINT_*", key, value, effect);
    }

    private TracingConfig tracing(List<dev.vkubelet.core.app.NodeDefinition> defined) {
        List<ExporterSettings> exporters;
        try {
            exporters = ExporterSettings.parse(traceExporters, env, LOG::warn);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--trace-exporter: " + e.getMessage());
        }
        Map<String, String> tags = new LinkedHashMap<>();
        // a mixed fleet: every provider (each span also carries its node, and through it its provider)
        tags.put("provider", defined.isEmpty() ? provider : String.join("+", defined.stream()
                .map(dev.vkubelet.core.app.NodeDefinition::provider).distinct().toList()));
        tags.put("node", nodeName);
        tags.put("os", os.toLowerCase(Locale.ROOT));
        // on every span, never overridden (a span's "node" is its pod's): which agent process recorded
        // it, so a span file shared by several agents of one JVM splits by agent, not by node
        tags.put("agent", nodeName);
        for (String tag : traceTags) {
            int eq = tag.indexOf('=');
            if (eq <= 0) {
                throw new UsageException("--trace-tag '" + tag + "' must be key=value");
            }
            String key = tag.substring(0, eq);
            if (RESERVED_TAGS.contains(key)) {
                throw new UsageException("--trace-tag: key '" + key + "' is set by the node agent itself");
            }
            if (tags.containsKey(key)) {
                throw new UsageException("--trace-tag: duplicate key '" + key + "'");
            }
            tags.put(key, tag.substring(eq + 1));
        }
        // OpenTelemetry's variables: the resource attributes join the tags (a --trace-tag of the same
        // key wins), the service name is the fallback of --trace-service-name
        Map<String, String> resource;
        try {
            resource = ExporterSettings.EnvironmentValues.pairs("OTEL_RESOURCE_ATTRIBUTES", env.get("OTEL_RESOURCE_ATTRIBUTES"));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        String serviceName = traceServiceName != null ? traceServiceName
                : Optional.ofNullable(env.get("OTEL_SERVICE_NAME")).filter(n -> !n.isBlank()).map(String::strip)
                        .orElse(resource.getOrDefault("service.name", TracingConfig.DEFAULT_SERVICE_NAME));
        resource.remove("service.name");
        for (Map.Entry<String, String> attribute : resource.entrySet()) {
            if (RESERVED_TAGS.contains(attribute.getKey())) {
                throw new UsageException("OTEL_RESOURCE_ATTRIBUTES: key '" + attribute.getKey()
                        + "' is set by the node agent itself");
            }
            tags.putIfAbsent(attribute.getKey(), attribute.getValue());
        }
        if (serviceName.isBlank()) {
            throw new UsageException("--trace-service-name must not be empty");
        }
        OptionalDouble rate = OptionalDouble.empty();
        if (traceSampleRate != null) {
            String text = traceSampleRate.trim().toLowerCase(Locale.ROOT);
            double r = text.equals("always") ? 100 : text.equals("never") ? 0
                    : number("--trace-sample-rate", traceSampleRate);
            if (r < 0 || r > 100) {
                throw new UsageException("--trace-sample-rate must be between 0 and 100, got " + traceSampleRate);
            }
            rate = OptionalDouble.of(r);
        }
        Granularity granularity;
        try {
            granularity = Granularity.parse(traceGranularity);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--trace-granularity: " + e.getMessage());
        }
        java.util.Set<TracingConfig.Propagation> propagation;
        try {
            propagation = TracingConfig.Propagation.parse(tracePropagation);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--trace-propagation: " + e.getMessage());
        }
        return new TracingConfig(serviceName, tags, rate, exporters, granularity, propagation);
    }

    private RunConfig.ServingCerts servingCerts() {
        if ((tlsCertFile == null) != (tlsKeyFile == null)) {
            throw new UsageException("the serving certificate and key go together: set both --tls-cert-file and "
                    + "--tls-private-key-file (or APISERVER_CERT_LOCATION and APISERVER_KEY_LOCATION), or neither");
        }
        Optional<Path> cert = Optional.ofNullable(tlsCertFile).map(f -> readable("--tls-cert-file", f));
        Optional<Path> key = Optional.ofNullable(tlsKeyFile).map(f -> readable("--tls-private-key-file", f));
        Optional<Path> ca = Optional.ofNullable(clientCaFile).map(f -> readable("--client-ca-file", f));
        if (rotateServerCertificates && cert.isPresent()) {
            throw new UsageException("--rotate-server-certificates and --tls-cert-file/--tls-private-key-file (or"
                    + " APISERVER_CERT_LOCATION) exclude each other: the certificate comes from the cluster or from"
                    + " files");
        }
        if (!tlsMinVersion.equals("VersionTLS12") && !tlsMinVersion.equals("VersionTLS13")) {
            throw new UsageException("--tls-min-version '" + tlsMinVersion + "' is not VersionTLS12 or VersionTLS13");
        }
        return new RunConfig.ServingCerts(cert, key, ca, rotateServerCertificates, tlsMinVersion, cipherSuites());
    }

    /**
     * The {@code --tls-cipher-suites}, each one the JDK supports; Go's short names of the
     * ChaCha20 suites ({@code ..._CHACHA20_POLY1305}) are taken for the JDK's {@code ..._SHA256}.
     */
    private List<String> cipherSuites() {
        if (tlsCipherSuites == null || tlsCipherSuites.isBlank()) {
            return List.of();
        }
        java.util.Set<String> supported;
        try {
            supported = java.util.Set.of(javax.net.ssl.SSLContext.getDefault().getSupportedSSLParameters()
                    .getCipherSuites());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no TLS", e);
        }
        List<String> suites = new ArrayList<>();
        for (String name : tlsCipherSuites.split(",")) {
            String suite = name.strip();
            if (!supported.contains(suite) && supported.contains(suite + "_SHA256")) {
                suite = suite + "_SHA256";
            }
            if (!supported.contains(suite) || suite.startsWith("TLS_AES_") || suite.startsWith("TLS_CHACHA20_")) {
                throw new UsageException("--tls-cipher-suites: '" + name.strip() + "' is not a TLS 1.2 cipher suite"
                        + " this JVM supports");
            }
            suites.add(suite);
        }
        return suites;
    }

    private static Path readable(String what, String file) {
        if (!Files.isReadable(Path.of(file))) {
            throw new UsageException(what + " " + file + " does not exist or is not readable");
        }
        return Path.of(file);
    }

    private static void checkListenAddress(String flag, String text) {
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw new UsageException(flag + " '" + text + "' must be host:port or :port");
        }
        int port = integer(flag, text.substring(colon + 1));
        if (port < 0 || port > 65535) {
            throw new UsageException(flag + " must have a port between 0 and 65535, got " + text);
        }
    }

    private static int integer(String flag, String text) {
        try {
            return new WholeNumberConverter(flag).convert(text);
        } catch (com.beust.jcommander.ParameterException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static double number(String flag, String text) {
        try {
            return new NumberConverter(flag).convert(text);
        } catch (com.beust.jcommander.ParameterException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
