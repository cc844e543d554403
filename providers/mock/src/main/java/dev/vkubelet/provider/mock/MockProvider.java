package dev.vkubelet.provider.mock;

import dev.vkubelet.provider.AttachIO;
import dev.vkubelet.provider.ContainerAttach;
import dev.vkubelet.provider.ContainerExec;
import dev.vkubelet.provider.ContainerLogs;
import dev.vkubelet.provider.LogOptions;
import dev.vkubelet.provider.Models;
import dev.vkubelet.provider.MultiNodeProvider;
import dev.vkubelet.provider.NodeConfigurer;
import dev.vkubelet.provider.NodeProvider;
import dev.vkubelet.provider.NotFoundException;
import dev.vkubelet.provider.PodLifecycleHandler;
import dev.vkubelet.provider.PodStatusNotifier;
import dev.vkubelet.provider.PortForwarder;
import dev.vkubelet.provider.ProviderContext;
import dev.vkubelet.provider.StatsSummaryProvider;
import dev.vkubelet.provider.stats.ContainerStats;
import dev.vkubelet.provider.stats.CpuStats;
import dev.vkubelet.provider.stats.MemoryStats;
import dev.vkubelet.provider.stats.NodeStats;
import dev.vkubelet.provider.stats.PodReference;
import dev.vkubelet.provider.stats.PodStats;
import dev.vkubelet.provider.stats.StatsSummary;
import dev.vkubelet.tracing.Granularity;
import dev.vkubelet.tracing.Span;
import dev.vkubelet.tracing.Tracer;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerState;
import io.kubernetes.client.openapi.models.V1ContainerStateRunning;
import io.kubernetes.client.openapi.models.V1ContainerStateTerminated;
import io.kubernetes.client.openapi.models.V1ContainerStateWaiting;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeAddress;
import io.kubernetes.client.openapi.models.V1NodeCondition;
import io.kubernetes.client.openapi.models.V1NodeStatus;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1PodIP;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The in-memory provider. Thread-safe: every state change happens under the instance lock, and
 * notifications are sent after the lock is released.
 */
final class MockProvider implements PodLifecycleHandler, PodStatusNotifier, NodeProvider, NodeConfigurer,
        ContainerLogs, StatsSummaryProvider, ContainerExec, ContainerAttach, PortForwarder, MultiNodeProvider {

    /** How many generated lines a container's log holds. */
    static final int LOG_LINES = 100;
    /** How often a followed log gets a new line. */
    static final long FOLLOW_INTERVAL_MILLIS = 200;

    private static final String DELETED_REASON = "MockProviderPodDeleted";

    /** One node this instance serves: what the host said of it, its configuration entry, its state file. */
    private record Node(ProviderContext context, MockConfig config, Optional<MockState> state) {}

    /** The first node's context (the process's address, metrics, tracer). */
    private final ProviderContext context;
    private final java.util.function.Function<ProviderContext, MockConfig> configs;
    private final Tracer tracer;
    private final Clock clock;
    private final Instant startTime;
    /** The nodes served, by name (one unless the host adds more: {@link MultiNodeProvider}). */
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final Map<String, V1Pod> pods = new LinkedHashMap<>();
    private final AtomicInteger nextIp = new AtomicInteger(1);
    private final MockTimer timer;
    private volatile Consumer<V1Pod> podListener = pod -> {};

    MockProvider(ProviderContext context, MockConfig config, Clock clock) {
        this(context, c -> c == context ? config : MockConfig.defaults(), clock);
    }

    /** An instance whose nodes each take their entry of the configuration through {@code configs}. */
    MockProvider(ProviderContext context, java.util.function.Function<ProviderContext, MockConfig> configs,
            Clock clock) {
        this.context = Objects.requireNonNull(context, "context");
        this.configs = Objects.requireNonNull(configs, "configs");
        this.clock = Objects.requireNonNull(clock, "clock");
        MockConfig config = Objects.requireNonNull(configs.apply(context), "config");
        this.tracer = config.traceGranularity().map(context.tracer()::withGranularity).orElse(context.tracer());
        this.startTime = clock.instant();
        context.metrics().gauge("pods", Map.of(), this::podCount);
        this.timer = new MockTimer();
        addNode(context, config);
    }

    @Override
    public void addNode(ProviderContext node) {
        addNode(node, configs.apply(node));
    }

    /** Serves one more node: its pods left in its state file are its again (as a backend keeps them). */
    private void addNode(ProviderContext node, MockConfig config) {
        List<V1Pod> loaded = new ArrayList<>();
        synchronized (this) {
            Node entry = new Node(node, config, config.stateFile().map(MockState::new));
            nodes.put(node.nodeName(), entry);
            entry.state().ifPresent(s -> s.load().forEach(pod -> {
                pods.put(key(pod), pod);
                loaded.add(pod);
            }));
            pods.values().stream().map(p -> p.getStatus() == null ? null : p.getStatus().getPodIP())
                    .filter(ip -> ip != null && ip.startsWith("10.244.")).mapToInt(ip -> {
                        String[] octets = ip.split("\\.");
                        return (Integer.parseInt(octets[2]) << 8 | Integer.parseInt(octets[3])) + 1;
                    }).max().ifPresent(next -> nextIp.accumulateAndGet(next, Math::max));
        }
        for (V1Pod pod : loaded) {
            if (pod.getStatus() != null && "Pending".equals(pod.getStatus().getPhase())) {
                timer.after(config.runningDelay().toMillis(), () -> markRunning(key(pod)));
            }
        }
    }

    @Override
    public void removeNode(String nodeName) {
        synchronized (this) {
            Node gone = nodes.get(nodeName);
            if (gone == null || nodes.size() == 1) {
                return; // the last node goes with close()
            }
            persist(gone);
            nodes.remove(nodeName);
            // its pods stay in its state file, where the next process serving the node finds them
            pods.values().removeIf(p -> nodeName.equals(nodeName(p)));
        }
    }

    private static String nodeName(V1Pod pod) {
        return pod.getSpec() == null ? null : pod.getSpec().getNodeName();
    }

    /** The node a pod runs on (the first node for a pod that names none). Called with the lock held. */
    private Node nodeOf(V1Pod pod) {
        Node node = nodes.get(nodeName(pod));
        return node != null ? node : nodes.values().iterator().next();
    }

    /** The node of the pod {@code namespace/name}, or the first node when there is no such pod. */
    private synchronized Node nodeOf(String namespace, String name) {
        V1Pod pod = pods.get(key(namespace, name));
        return pod == null ? nodes.values().iterator().next() : nodeOf(pod);
    }

    /** The configuration entry of the pod's node. */
    private synchronized MockConfig config(V1Pod pod) {
        return nodeOf(pod).config();
    }

    private static String key(String namespace, String name) {
        return namespace + "/" + name;
    }

    private static String key(V1Pod pod) {
        return key(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
    }

    private OffsetDateTime now() {
        return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    private static V1Pod copy(V1Pod pod) {
        return Models.copy(pod);
    }

    /** Tells the host about {@code pod}; {@code garbageRate} makes some pushed statuses malformed, as reads. */
    private void push(V1Pod pod) {
        V1PodStatus garbage = config(pod).faults().garbage(pod.getMetadata().getName());
        if (garbage != null) {
            pod.setStatus(garbage);
        }
        podListener.accept(pod);
    }

    /** What leaves the mock (answers, pushes, the state file): a copy without Secret-derived values. */
    private static V1Pod view(V1Pod pod) {
        return Models.withoutSecretValues(pod);
    }

    @Override
    public void createPod(V1Pod pod) {
        V1Pod created;
        try (Span span = tracer.startSpan("mock.createPod", Granularity.NORMAL)) {
            span.attribute("pod", key(pod));
            MockConfig config = config(pod);
            config.faults().before("createPod", pod.getMetadata().getName());
            synchronized (this) {
                if (pods.containsKey(key(pod))) {
                    return;
                }
                created = copy(pod);
                boolean delayed = !config.runningDelay().isZero();
                created.setStatus(delayed ? pendingStatus(created) : runningStatus(created));
                pods.put(key(created), created);
                Node node = nodeOf(created);
                node.state().ifPresent(s -> s.record("create", created));
                persist(node);
            }
            context.metrics().increment("creates", Map.of());
            if (!config.runningDelay().isZero()) {
                try (Span wait = tracer.startSpan("mock.scheduleRunning", Granularity.FINE)) {
                    wait.attribute("delayMillis", config.runningDelay().toMillis());
                    timer.after(config.runningDelay().toMillis(), () -> markRunning(key(pod)));
                }
            }
        }
        push(view(created));
    }

    private void markRunning(String key) {
        V1Pod changed;
        synchronized (this) {
            V1Pod pod = pods.get(key);
            if (pod == null || !"Pending".equals(pod.getStatus().getPhase())) {
                return;
            }
            pod.setStatus(runningStatus(pod));
            persist(nodeOf(pod));
            changed = view(pod);
        }
        push(changed);
    }

    private V1PodStatus pendingStatus(V1Pod pod) {
        List<V1ContainerStatus> containers = new ArrayList<>();
        for (V1Container c : pod.getSpec().getContainers()) {
            containers.add(new V1ContainerStatus().name(c.getName()).image(c.getImage()).imageID("")
                    .ready(false).restartCount(0).started(false)
                    .state(new V1ContainerState().waiting(new V1ContainerStateWaiting().reason("ContainerCreating"))));
        }
        return new V1PodStatus().phase("Pending").hostIP(context.internalIp()).startTime(now())
                .conditions(List.of(condition("PodScheduled", "True"), condition("Initialized", "True"),
                        condition("Ready", "False"), condition("ContainersReady", "False")))
                .containerStatuses(containers);
    }

    private V1PodStatus runningStatus(V1Pod pod) {
        OffsetDateTime now = now();
        String ip = podIp(pod);
        List<V1ContainerStatus> containers = new ArrayList<>();
        for (V1Container c : pod.getSpec().getContainers()) {
            containers.add(new V1ContainerStatus().name(c.getName()).image(c.getImage()).imageID("")
                    .containerID("mock://" + pod.getMetadata().getUid() + "/" + c.getName())
                    .ready(true).restartCount(0).started(true)
                    .state(new V1ContainerState().running(new V1ContainerStateRunning().startedAt(now))));
        }
        return new V1PodStatus().phase("Running").hostIP(context.internalIp()).podIP(ip)
                .podIPs(List.of(new V1PodIP().ip(ip)))
                .startTime(pod.getStatus() != null && pod.getStatus().getStartTime() != null
                        ? pod.getStatus().getStartTime() : now)
                .conditions(List.of(condition("PodScheduled", "True"), condition("Initialized", "True"),
                        condition("Ready", "True"), condition("ContainersReady", "True")))
                .containerStatuses(containers);
    }

    private String podIp(V1Pod pod) {
        if (pod.getStatus() != null && pod.getStatus().getPodIP() != null) {
            return pod.getStatus().getPodIP();
        }
        int n = nextIp.getAndIncrement();
        return "10.244." + ((n >> 8) & 0xff) + "." + (n & 0xff);
    }

    private V1PodCondition condition(String type, String status) {
        return new V1PodCondition().type(type).status(status).lastTransitionTime(now());
    }

    @Override
    public void updatePod(V1Pod pod) {
        try (Span span = tracer.startSpan("mock.updatePod", Granularity.NORMAL)) {
            span.attribute("pod", key(pod));
            config(pod).faults().before("updatePod", pod.getMetadata().getName());
            update(pod);
        }
    }

    private void update(V1Pod pod) {
        V1Pod updated;
        synchronized (this) {
            V1Pod existing = pods.get(key(pod));
            if (existing == null) {
                throw new NotFoundException("mock provider has no pod " + key(pod));
            }
            updated = copy(pod);
            updated.setStatus(existing.getStatus());
            pods.put(key(pod), updated);
            persist(nodeOf(updated));
            updated = view(updated);
        }
        push(updated);
    }

    @Override
    public void deletePod(V1Pod pod) {
        try (Span span = tracer.startSpan("mock.deletePod", Granularity.NORMAL)) {
            span.attribute("pod", key(pod));
            config(pod).faults().before("deletePod", pod.getMetadata().getName());
            delete(pod);
        }
    }

    private void delete(V1Pod pod) {
        V1Pod deleted;
        synchronized (this) {
            V1Pod existing = pods.remove(key(pod));
            if (existing == null) {
                throw new NotFoundException("mock provider has no pod " + key(pod));
            }
            OffsetDateTime now = now();
            V1PodStatus status = existing.getStatus();
            status.phase("Succeeded").reason(DELETED_REASON).message("deleted by the mock provider");
            for (V1ContainerStatus c : status.getContainerStatuses()) {
                OffsetDateTime started = c.getState() != null && c.getState().getRunning() != null
                        ? c.getState().getRunning().getStartedAt() : now;
                c.ready(false).started(false).state(new V1ContainerState().terminated(
                        new V1ContainerStateTerminated().exitCode(0).reason(DELETED_REASON)
                                .message("pod deleted").startedAt(started).finishedAt(now)));
            }
            status.conditions(List.of(condition("PodScheduled", "True"), condition("Initialized", "True"),
                    condition("Ready", "False"), condition("ContainersReady", "False")));
            Node node = nodeOf(existing);
            node.state().ifPresent(s -> s.record("delete", existing));
            persist(node);
            deleted = view(existing);
        }
        push(deleted);
    }

    private synchronized int podCount() {
        return pods.size();
    }

    @Override
    public synchronized Optional<V1Pod> getPod(String namespace, String name) {
        return Optional.ofNullable(pods.get(key(namespace, name))).map(MockProvider::view);
    }

    @Override
    public Optional<V1PodStatus> getPodStatus(String namespace, String name) {
        MockConfig config = nodeOf(namespace, name).config();
        config.faults().before("getPodStatus", name);
        V1PodStatus garbage = config.faults().garbage(name);
        synchronized (this) {
            return Optional.ofNullable(pods.get(key(namespace, name)))
                    .map(p -> garbage != null ? garbage : Models.copy(p.getStatus()));
        }
    }

    /** Writes the node's pods to its state file, if it has one. Called with the lock held. */
    private void persist(Node node) {
        node.state().ifPresent(s -> s.save(pods.values().stream().filter(p -> nodeOf(p) == node)
                .map(MockProvider::view).toList()));
    }

    @Override
    public synchronized List<V1Pod> getPods() {
        return pods.values().stream().map(MockProvider::view).toList();
    }

    @Override
    public void notifyPods(Consumer<V1Pod> onPodChanged) {
        this.podListener = Objects.requireNonNull(onPodChanged, "onPodChanged");
    }

    @Override
    public void ping() {
        // in memory: always reachable
    }

    @Override
    public void notifyNodeStatus(Consumer<V1Node> onNodeChanged) {
        // the mock node never changes by itself
    }

    @Override
    public void configureNode(V1Node node) {
        MockConfig config;
        synchronized (this) {
            Node entry = node.getMetadata() == null ? null : nodes.get(node.getMetadata().getName());
            config = (entry != null ? entry : nodes.values().iterator().next()).config();
        }
        Map<String, Quantity> capacity = new LinkedHashMap<>();
        capacity.put("cpu", config.cpu());
        capacity.put("memory", config.memory());
        capacity.put("pods", config.pods());
        capacity.putAll(config.others());
        V1NodeStatus status = node.getStatus() == null ? new V1NodeStatus() : node.getStatus();
        node.setStatus(status);
        status.capacity(new LinkedHashMap<>(capacity)).allocatable(new LinkedHashMap<>(capacity));
        OffsetDateTime now = now();
        status.conditions(List.of(
                nodeCondition("Ready", "True", "KubeletReady", "the mock provider is ready", now),
                nodeCondition("MemoryPressure", "False", "KubeletHasSufficientMemory", "no memory pressure", now),
                nodeCondition("DiskPressure", "False", "KubeletHasNoDiskPressure", "no disk pressure", now),
                nodeCondition("PIDPressure", "False", "KubeletHasSufficientPID", "no PID pressure", now),
                nodeCondition("NetworkUnavailable", "False", "RouteCreated", "the mock network is up", now)));
        status.addresses(List.of(new V1NodeAddress().type("InternalIP").address(context.internalIp())));
        if (status.getNodeInfo() != null) {
            status.getNodeInfo().operatingSystem(context.operatingSystem());
        }
    }

    private static V1NodeCondition nodeCondition(
            String type, String status, String reason, String message, OffsetDateTime now) {
        return new V1NodeCondition().type(type).status(status).reason(reason).message(message)
                .lastHeartbeatTime(now).lastTransitionTime(now);
    }

    /** The pod and its container, or NotFound naming which is missing. */
    private record Target(V1Pod pod, V1Container container) {}

    private Target target(String namespace, String podName, String containerName) {
        V1Pod pod;
        synchronized (this) {
            pod = pods.get(key(namespace, podName));
        }
        if (pod == null) {
            throw new NotFoundException("mock provider has no pod " + key(namespace, podName));
        }
        V1Container container = pod.getSpec().getContainers().stream().filter(c -> c.getName().equals(containerName))
                .findFirst().orElseThrow(() -> new NotFoundException("pod " + key(namespace, podName)
                        + " has no container " + containerName));
        return new Target(pod, container);
    }

    @Override
    public InputStream getContainerLogs(String namespace, String podName, String containerName, LogOptions options) {
        V1Pod pod = target(namespace, podName, containerName).pod();
        int lines = options.tailLines().isPresent() ? Math.min(LOG_LINES, options.tailLines().getAsInt()) : LOG_LINES;
        Instant start = pod.getStatus().getStartTime() == null ? startTime : pod.getStatus().getStartTime().toInstant();
        StringBuilder out = new StringBuilder();
        for (int i = LOG_LINES - lines; i < LOG_LINES; i++) {
            if (options.timestamps()) {
                out.append(start.plusMillis(i)).append(' ');
            }
            out.append("mock log line ").append(i + 1).append(" of ").append(namespace).append('/')
                    .append(podName).append('/').append(containerName).append('\n');
        }
        byte[] bytes = out.toString().getBytes(StandardCharsets.UTF_8);
        int length = options.limitBytes().isPresent()
                ? (int) Math.min(bytes.length, options.limitBytes().getAsLong()) : bytes.length;
        InputStream backlog = new ByteArrayInputStream(bytes, 0, length);
        if (!options.follow() || length < bytes.length) {
            return backlog;
        }
        return new java.io.SequenceInputStream(backlog, new FollowStream(namespace + "/" + podName + "/" + containerName,
                options.timestamps()));
    }

    /** New lines every {@value #FOLLOW_INTERVAL_MILLIS} ms, for as long as the reader keeps the stream open. */
    private final class FollowStream extends InputStream {
        private final String source;
        private final boolean timestamps;
        private byte[] line = new byte[0];
        private int position;
        private int next = LOG_LINES + 1;
        private volatile boolean closed;

        FollowStream(String source, boolean timestamps) {
            this.source = source;
            this.timestamps = timestamps;
        }

        @Override
        public int read() throws java.io.IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws java.io.IOException {
            if (closed) {
                return -1;
            }
            if (position >= line.length) {
                try {
                    Thread.sleep(FOLLOW_INTERVAL_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("log follow interrupted");
                }
                if (closed) {
                    return -1;
                }
                String text = (timestamps ? clock.instant() + " " : "") + "mock log line " + next++ + " of " + source
                        + "\n";
                line = text.getBytes(StandardCharsets.UTF_8);
                position = 0;
            }
            int n = Math.min(length, line.length - position);
            System.arraycopy(line, position, buffer, offset, n);
            position += n;
            return n;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Override
    public int runInContainer(String namespace, String podName, String containerName, List<String> command,
            AttachIO io) {
        Target target = target(namespace, podName, containerName);
        try (Span span = tracer.startSpan("mock.exec", Granularity.NORMAL)) {
            span.attribute("command", String.join(" ", command));
            return new MockShell(target.pod(), target.container(), io).run(command);
        }
    }

    /**
     * Attaching to the mock's "main process": a greeting, then every line of stdin echoed back; without
     * stdin, a line every {@value #FOLLOW_INTERVAL_MILLIS} ms until the client leaves.
     */
    @Override
    public void attachToContainer(String namespace, String podName, String containerName, AttachIO io) {
        target(namespace, podName, containerName);
        try (Span span = tracer.startSpan("mock.attach", Granularity.NORMAL)) {
            java.io.OutputStream out = io.stdout().orElse(java.io.OutputStream.nullOutputStream());
            out.write(("attached to " + key(namespace, podName) + "/" + containerName + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            if (io.stdin().isPresent()) {
                io.stdin().get().transferTo(new java.io.FilterOutputStream(out) {
                    @Override
                    public void write(byte[] b, int off, int len) throws java.io.IOException {
                        out.write(b, off, len);
                        out.flush();
                    }
                });
                return;
            }
            for (int i = 1; !Thread.currentThread().isInterrupted(); i++) {
                Thread.sleep(FOLLOW_INTERVAL_MILLIS);
                out.write(("tick " + i + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (java.io.IOException e) {
            // the client went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Every port of a mock pod is an echo server: what the client sends comes back. */
    @Override
    public void portForward(String namespace, String podName, int port, InputStream fromClient,
            java.io.OutputStream toClient) {
        synchronized (this) {
            if (!pods.containsKey(key(namespace, podName))) {
                throw new NotFoundException("mock provider has no pod " + key(namespace, podName));
            }
        }
        try (Span span = tracer.startSpan("mock.portForward", Granularity.NORMAL)) {
            span.attribute("port", port);
            byte[] buffer = new byte[8192];
            for (int n = fromClient.read(buffer); n >= 0; n = fromClient.read(buffer)) {
                toClient.write(buffer, 0, n);
                toClient.flush();
            }
        } catch (java.io.IOException e) {
            // the client went away
        }
    }

    @Override
    public StatsSummary getStatsSummary() {
        Instant now = clock.instant();
        List<PodStats> podStats = new ArrayList<>();
        for (V1Pod pod : getPods()) {
            if (!"Running".equals(pod.getStatus().getPhase())) {
                continue;
            }
            List<ContainerStats> containers = new ArrayList<>();
            for (V1Container c : pod.getSpec().getContainers()) {
                Instant started = pod.getStatus().getStartTime().toInstant();
                long cpuNanos = java.time.Duration.between(started, now).toNanos() / 1000;
                containers.add(new ContainerStats(c.getName(), started,
                        new CpuStats(now, 1_000_000L, Math.max(0, cpuNanos)),
                        new MemoryStats(now, null, 16L << 20, 16L << 20, null)));
            }
            long cpu = 1_000_000L * containers.size();
            long cpuTotal = containers.stream().mapToLong(c -> c.cpu().usageCoreNanoSeconds()).sum();
            long memory = (16L << 20) * containers.size();
            podStats.add(new PodStats(
                    new PodReference(pod.getMetadata().getName(), pod.getMetadata().getNamespace(),
                            pod.getMetadata().getUid()),
                    pod.getStatus().getStartTime().toInstant(), containers,
                    new CpuStats(now, cpu, cpuTotal), new MemoryStats(now, null, memory, memory, null)));
        }
        long cpu = podStats.stream().mapToLong(p -> p.cpu().usageNanoCores()).sum();
        long cpuTotal = podStats.stream().mapToLong(p -> p.cpu().usageCoreNanoSeconds()).sum();
        long memory = podStats.stream().mapToLong(p -> p.memory().usageBytes()).sum();
        return new StatsSummary(new NodeStats(context.nodeName(), startTime, new CpuStats(now, cpu, cpuTotal),
                new MemoryStats(now, null, memory, memory, null)), podStats);
    }

    @Override
    public void close() {
        timer.close();
    }
}
