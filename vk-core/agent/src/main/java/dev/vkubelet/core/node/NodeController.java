package dev.vkubelet.core.node;

import dev.vkubelet.core.metrics.Instrumentation;
import dev.vkubelet.core.plugin.ProviderDeadline;
import dev.vkubelet.core.plugin.ProviderHandle;
import dev.vkubelet.core.ports.ApiFailure;
import dev.vkubelet.core.ports.NodeClient;
import dev.vkubelet.core.ports.ObjectConflict;
import dev.vkubelet.core.ports.ObjectExists;
import dev.vkubelet.core.ports.ObjectMissing;
import dev.vkubelet.provider.NodeConfigurer;
import dev.vkubelet.provider.NodeProvider;
import dev.vkubelet.provider.ProviderException;
import dev.vkubelet.tracing.Span;
import dev.vkubelet.tracing.SpanStatus;
import dev.vkubelet.tracing.Tracer;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeStatus;
import io.kubernetes.client.openapi.models.V1Taint;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the node and keeps it alive (with a Lease unless the lease is disabled). The node's
 * work runs in two lanes of the process's {@link NodeLoops}, each one step at a time (a node costs
 * no thread of its own): its heartbeats in a heartbeat lane, so a lease renewal never waits behind a
 * status write, and everything else in the other. A heartbeat that re-registers the node or sees the
 * provider's health change writes the status itself, so the two lanes may write the node at once:
 * each write carries the resourceVersion it read and is retried on conflict.
 * <ul>
 *   <li>{@link #register()}: create the node, or on an existing one add the host's labels and
 *       taint (keeping everything else), then write the status;
 *   <li>{@link #heartbeat()}, every renew interval: ping the provider (with a timeout), re-register
 *       the node if someone deleted it, renew the lease when the ping succeeded, and rewrite the
 *       status when the provider's health changed;
 *   <li>{@link #syncStatus()}, every status interval and when the provider notifies a change.
 * </ul>
 * Failed API calls are logged and retried on the next tick; they never stop the loops.
 */
public final class NodeController implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NodeController.class);
    private static final int CONFLICT_ATTEMPTS = 5;

    private final NodeSettings settings;
    private final NodeClient nodes;
    private final Optional<NodeLease> lease;
    private final ProviderHandle provider;
    private final Tracer tracer;
    private final Clock clock;
    private final Instrumentation metrics;
    /** The loops this node's steps run on, and whether this controller made them (and so starts and closes them). */
    private final NodeLoops loops;
    private final boolean ownLoops;
    /** This node's lanes of the loops (status and the rest; heartbeats): made by {@link #start}, closed by {@link #close}. */
    private volatile NodeLoops.Lane lane;
    private volatile NodeLoops.Lane beats;
    private final List<AutoCloseable> repeating = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final ProviderDeadline pinger;

    private V1Node desired;
    /** Labels the API server refused to let this identity set (NodeRestriction), left out from then on. */
    private final Set<String> refusedLabels = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Whether the API server refused to let this identity change an existing node's taints (NodeRestriction). */
    private volatile boolean taintsRefused;
    private Optional<String> pingFailure = Optional.empty();
    private final java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile boolean closed;

    /** When the lease was last renewed ({@link System#nanoTime}); 0 before. */
    private volatile long lastRenewal;

    public NodeController(NodeSettings settings, NodeClient nodes, Optional<NodeLease> lease, ProviderHandle provider,
            Tracer tracer, Clock clock) {
        this(settings, nodes, lease, provider, tracer, clock, Instrumentation.NOOP);
    }

    /** The same, reporting pings, lease renewals and status writes to {@code metrics}, on loops of its own. */
    public NodeController(NodeSettings settings, NodeClient nodes, Optional<NodeLease> lease, ProviderHandle provider,
            Tracer tracer, Clock clock, Instrumentation metrics) {
        this(settings, nodes, lease, provider, tracer, clock, metrics, new NodeLoops(1, 1, metrics), true);
    }

    /** The same, on the process's shared {@code loops} (started and closed by their owner). */
    public NodeController(NodeSettings settings, NodeClient nodes, Optional<NodeLease> lease, ProviderHandle provider,
            Tracer tracer, Clock clock, Instrumentation metrics, NodeLoops loops) {
        this(settings, nodes, lease, provider, tracer, clock, metrics, loops, false);
    }

    private NodeController(NodeSettings settings, NodeClient nodes, Optional<NodeLease> lease, ProviderHandle provider,
            Tracer tracer, Clock clock, Instrumentation metrics, NodeLoops loops, boolean ownLoops) {
        this.loops = Objects.requireNonNull(loops, "loops");
        this.ownLoops = ownLoops;
        this.settings = Objects.requireNonNull(settings, "settings");
        this.nodes = Objects.requireNonNull(nodes, "nodes");
        this.lease = Objects.requireNonNull(lease, "lease");
        this.provider = Objects.requireNonNull(provider, "provider");
        this.tracer = Objects.requireNonNull(tracer, "tracer");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        // shared loops share their ping deadline too (a thread while a ping runs, not one per node)
        this.pinger = ownLoops
                ? new ProviderDeadline(settings.pingTimeout(), Integer.MAX_VALUE, "node-ping-" + settings.nodeName(),
                        tracer)
                : loops.pings(settings.pingTimeout(), tracer);
    }

    /**
     * Registers the node, retrying with backoff until it succeeds or {@code timeout} passes (zero:
     * no limit), then starts the heartbeat and status loops and subscribes to provider
     * notifications.
     *
     * @throws ApiFailure when registration did not succeed within {@code timeout}
     */
    public void start(Duration timeout) throws InterruptedException {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("already started");
        }
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("closed");
            }
            if (ownLoops) {
                loops.start();
            }
            lane = loops.lane(settings.nodeName());
            beats = loops.heartbeatLane(settings.nodeName());
        }
        boolean unlimited = timeout.isZero();
        long deadline = System.nanoTime() + timeout.toNanos();
        long backoffMillis = 200;
        while (true) {
            try {
                // on the caller's thread, not the node loops': registrations wait for several API
                // calls and must not hold up the heartbeats of nodes already registered
                register();
                break;
            } catch (ApiFailure e) {
                long wait = backoffMillis;
                if (!unlimited) {
                    long left = (deadline - System.nanoTime()) / 1_000_000;
                    if (left <= 0) {
                        throw new ApiFailure(e.code(), "cannot register node " + settings.nodeName() + " within "
                                + (timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms")
                                + " (--startup-timeout): " + e.getMessage(), e);
                    }
                    wait = Math.min(wait, left); // a last attempt at the deadline
                }
                LOG.warn("registering node {} failed, retrying in {} ms: {}", settings.nodeName(), wait,
                        e.getMessage());
                Thread.sleep(wait);
                backoffMillis = Math.min(backoffMillis * 2, 5_000);
            }
        }
        provider.capability(NodeProvider.class).ifPresent(p -> p.notifyNodeStatus(this::onProviderNodeChanged));
        // the first heartbeat (the Lease) at once; from then on at a random point of each interval, so
        // the nodes of a process spread their renewals and status writes instead of sending them together
        long queued = System.nanoTime();
        beats.execute(() -> guard("heartbeat", () -> heartbeat(() -> Duration.ofNanos(System.nanoTime() - queued))));
        repeating.add(beats.every(settings.renewInterval(), settings.renewInterval(),
                late -> guard("heartbeat", () -> heartbeat(late))));
        repeating.add(lane.every(settings.statusInterval(), settings.statusInterval(),
                () -> guard("status", this::syncStatus)));
    }

    private void guard(String what, Runnable step) {
        if (closed) {
            return;
        }
        try {
            step.run();
        } catch (RuntimeException e) {
            LOG.warn("node {} {} failed: {}", settings.nodeName(), what, e.getMessage(), e);
        }
    }

    private OffsetDateTime now() {
        return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    /**
     * How long ago the node's lease was last renewed by this controller; empty before the first
     * renewal (or without a lease).
     */
    public Optional<Duration> leaseAge() {
        long at = lastRenewal;
        return at == 0 ? Optional.empty() : Optional.of(Duration.ofNanos(System.nanoTime() - at));
    }

    /** Whether the provider's last ping succeeded. */
    public boolean providerHealthy() {
        return pingFailure.isEmpty();
    }

    /** The node this agent wants, as last built (a copy). */
    public synchronized V1Node desiredNode() {
        return desired == null ? null : NodeTemplate.copy(desired);
    }

    /** Creates the node, or brings the host's labels and taint onto an existing one; then writes status. */
    void register() {
        try (Span span = tracer.startSpan("node.register")) {
            span.attribute("node", settings.nodeName());
            V1Node want;
            synchronized (this) {
                desired = NodeTemplate.build(settings, provider.capability(NodeConfigurer.class), now());
                want = NodeTemplate.copy(desired);
            }
            Optional<V1Node> existing = nodes.get(settings.nodeName());
            if (existing.isEmpty()) {
                create(want);
            } else {
                reconcileMetadata();
            }
            syncStatus();
        }
    }

    /**
     * Creates the node. A node identity under the NodeRestriction admission plugin may not set some
     * labels ({@code kubernetes.io/role}, which upstream virtual-kubelet sets): those the API server
     * names in its refusal are left out, once, with a warning, and the node is created without them.
     */
    private void create(V1Node want) {
        while (true) {
            refusedLabels.forEach(want.getMetadata().getLabels()::remove);
            try {
                V1Node created = nodes.create(want);
                LOG.info("registered node {} (uid {})", settings.nodeName(), created.getMetadata().getUid());
                return;
            } catch (ObjectExists raced) {
                reconcileMetadata();
                return;
            } catch (ApiFailure e) {
                leaveOutRefusedLabels(e);
            }
        }
    }

    /** Leaves out from now on the labels {@code failure} says this identity may not set; else rethrows it. */
    private void leaveOutRefusedLabels(ApiFailure failure) {
        Set<String> refused = refusedLabels(failure);
        if (refused.isEmpty() || !refusedLabels.addAll(refused)) {
            throw failure;
        }
        LOG.warn("the API server does not let this identity set node labels {} (NodeRestriction): the node is"
                + " registered without them", refused);
    }

    /**
     * The labels a 403 from NodeRestriction names: {@code ... is not allowed to set the following
     * labels: a, b} (creating) or {@code ... is not allowed to modify labels: a, b} (patching).
     */
    static Set<String> refusedLabels(ApiFailure failure) {
        String message = failure.getMessage();
        if (message == null || failure.code() != 403) {
            return Set.of();
        }
        String marker = null;
        int at = -1;
        for (String candidate : List.of("is not allowed to set the following labels: ",
                "is not allowed to modify labels: ")) {
            at = message.indexOf(candidate);
            if (at >= 0) {
                marker = candidate;
                break;
            }
        }
        if (marker == null) {
            return Set.of();
        }
        Set<String> labels = new java.util.LinkedHashSet<>();
        // the list ends at the end of the message, or where the quoted message it came in does
        String list = message.substring(at + marker.length()).replaceAll("[\\\\\"].*$", "");
        for (String label : list.split(",")) {
            String name = label.strip();
            if (name.matches("[A-Za-z0-9./_-]+")) {
                labels.add(name);
            }
        }
        return labels;
    }

    private void reconcileMetadata() {
        for (int attempt = 0; ; attempt++) {
            V1Node current = nodes.get(settings.nodeName())
                    .orElseThrow(() -> new ObjectMissing("node " + settings.nodeName() + " vanished", null));
            Map<String, String> labels = new LinkedHashMap<>(NodeTemplate.labels(settings));
            refusedLabels.forEach(labels::remove);
            Map<String, String> have = current.getMetadata().getLabels() == null
                    ? Map.of() : current.getMetadata().getLabels();
            Map<String, String> missing = new LinkedHashMap<>();
            labels.forEach((k, v) -> {
                if (!v.equals(have.get(k))) {
                    missing.put(k, v);
                }
            });
            List<V1Taint> currentTaints = current.getSpec() == null ? null : current.getSpec().getTaints();
            Optional<List<V1Taint>> taints = taintsRefused ? Optional.empty()
                    : mergedTaints(currentTaints);
            if (missing.isEmpty() && taints.isEmpty()) {
                return;
            }
            Map<String, Object> metadata = new LinkedHashMap<>();
            metadata.put("resourceVersion", current.getMetadata().getResourceVersion());
            if (!missing.isEmpty()) {
                metadata.put("labels", missing);
            }
            Map<String, Object> patch = new LinkedHashMap<>();
            patch.put("metadata", metadata);
            taints.ifPresent(t -> patch.put("spec", Map.of("taints", t)));
            try {
                nodes.mergePatch(settings.nodeName(), JSON.serialize(patch));
                LOG.info("updated labels/taints of existing node {}", settings.nodeName());
                return;
            } catch (ObjectConflict e) {
                if (attempt + 1 >= CONFLICT_ATTEMPTS) {
                    throw e;
                }
            } catch (ApiFailure e) {
                if (e.code() == 403 && String.valueOf(e.getMessage()).contains("is not allowed to modify taints")
                        && !taintsRefused) {
                    taintsRefused = true;
                    LOG.warn("the API server does not let this identity change the taints of existing node {}"
                            + " (NodeRestriction): it keeps {}; delete the node to register it with the taint"
                            + " configured now", settings.nodeName(), currentTaints);
                } else {
                    leaveOutRefusedLabels(e);
                }
            }
        }
    }

    /** Pings the provider, re-registers a deleted node, renews the lease on success. */
    void heartbeat() {
        heartbeat(() -> Duration.ZERO);
    }

    /**
     * The same, for a run that {@code late} says how late it is against its schedule: reported, as
     * the renewal's delay, once the lease write has been acknowledged.
     */
    private void heartbeat(java.util.function.Supplier<Duration> late) {
        try (Span span = tracer.startSpan("node.heartbeat")) {
            span.attribute("node", settings.nodeName());
            Optional<String> failure = ping();
            boolean changed;
            synchronized (this) {
                changed = !failure.equals(pingFailure);
                pingFailure = failure;
            }
            // from the node watch's cache when there is one: a heartbeat costs the lease write alone
            Optional<V1Node> current = nodes.getRecent(settings.nodeName());
            if (current.isEmpty()) {
                current = nodes.get(settings.nodeName()); // the cache may not have seen it yet
            }
            if (current.isEmpty()) {
                LOG.warn("node {} was deleted; registering it again", settings.nodeName());
                register();
                current = nodes.get(settings.nodeName());
            } else if (changed) {
                syncStatus();
            }
            if (failure.isPresent()) {
                span.setStatus(SpanStatus.UNAVAILABLE, "provider ping failed: " + failure.get());
                LOG.warn("provider ping failed for node {}, not renewing its lease: {}", settings.nodeName(),
                        failure.get());
                return;
            }
            if (current.isPresent()) {
                V1Node node = current.get();
                lease.ifPresent(l -> {
                    try (Span renew = tracer.startSpan("node.renewLease")) {
                        l.renew(node);
                        lastRenewal = System.nanoTime();
                        metrics.leaseRenewal(true);
                        metrics.leaseRenewalDelay(late.get());
                    } catch (RuntimeException e) {
                        metrics.leaseRenewal(false);
                        throw e;
                    }
                });
            }
        }
    }

    private Optional<String> ping() {
        Optional<NodeProvider> nodeProvider = provider.capability(NodeProvider.class);
        if (nodeProvider.isEmpty()) {
            return Optional.empty();
        }
        try (Span span = tracer.startSpan("node.ping")) {
            long start = System.nanoTime();
            Optional<String> failure = timedPing(nodeProvider.get());
            metrics.nodePing(failure.isEmpty(), Duration.ofNanos(System.nanoTime() - start));
            failure.ifPresent(f -> span.setStatus(SpanStatus.UNAVAILABLE, f));
            return failure;
        }
    }

    private Optional<String> timedPing(NodeProvider nodeProvider) {
        try {
            pinger.run("ping", nodeProvider::ping);
            return Optional.empty();
        } catch (ProviderDeadline.Exceeded e) {
            return Optional.of("no answer within " + settings.pingTimeout());
        } catch (RuntimeException e) {
            Throwable cause = e;
            if (cause.getClass() == ProviderException.class && cause.getCause() != null) {
                cause = cause.getCause(); // the plugin boundary's wrapper: report what the provider said
            }
            return Optional.of(cause.getMessage() == null ? cause.getClass().getName() : cause.getMessage());
        }
    }

    /** Writes the merged status, re-reading and retrying on conflict. */
    void syncStatus() {
        try (Span span = tracer.startSpan("node.syncStatus")) {
            span.attribute("node", settings.nodeName());
            for (int attempt = 0; ; attempt++) {
                Optional<V1Node> current = nodes.get(settings.nodeName());
                if (current.isEmpty()) {
                    return;
                }
                V1Node node = current.get();
                V1NodeStatus merged;
                synchronized (this) {
                    merged = NodeStatusMerge.mergeStatus(node.getStatus(), desired.getStatus(), pingFailure, now());
                }
                node.setStatus(merged);
                try {
                    nodes.replaceStatus(node);
                    metrics.nodeStatusUpdate(true);
                    return;
                } catch (ObjectConflict e) {
                    if (attempt + 1 >= CONFLICT_ATTEMPTS) {
                        metrics.nodeStatusUpdate(false);
                        throw e;
                    }
                } catch (RuntimeException e) {
                    metrics.nodeStatusUpdate(false);
                    throw e;
                }
            }
        }
    }

    /** The node's taints with the agent's added, corrected or removed, and the others added; empty when the same. */
    private Optional<List<V1Taint>> mergedTaints(List<V1Taint> current) {
        Optional<List<V1Taint>> merged = NodeStatusMerge.mergeTaints(current, settings.taint(), settings.taintEnabled());
        for (V1Taint extra : settings.extraTaints()) {
            Optional<List<V1Taint>> next = NodeStatusMerge.mergeTaints(merged.orElse(current), extra, true);
            if (next.isPresent()) {
                merged = next;
            }
        }
        return merged;
    }

    private void onProviderNodeChanged(V1Node changed) {
        if (changed == null || changed.getStatus() == null) {
            return;
        }
        if (changed.getMetadata() != null && changed.getMetadata().getName() != null
                && !changed.getMetadata().getName().equals(settings.nodeName())) {
            return; // another node's change, from a provider serving several
        }
        V1NodeStatus update = NodeTemplate.copy(changed).getStatus();
        synchronized (this) {
            if (desired == null) {
                return;
            }
            V1NodeStatus status = desired.getStatus();
            status.setConditions(NodeStatusMerge.mergeStatus(
                    new V1NodeStatus().conditions(status.getConditions()), update, Optional.empty(), now())
                    .getConditions());
            if (update.getCapacity() != null) {
                status.setCapacity(update.getCapacity());
            }
            if (update.getAllocatable() != null) {
                status.setAllocatable(update.getAllocatable());
            }
            if (update.getAddresses() != null) {
                status.setAddresses(update.getAddresses());
            }
            NodeTemplate.fixCapacity(settings, status);
        }
        NodeLoops.Lane steps = lane;
        if (!closed && steps != null) {
            steps.execute(() -> guard("status after provider notification", this::syncStatus));
        }
    }

    /** Stops the loops. The node stays registered (its lease expires). Idempotent. */
    @Override
    public void close() {
        NodeLoops.Lane steps;
        NodeLoops.Lane heartbeats;
        synchronized (this) {
            closed = true;
            steps = lane;
            heartbeats = beats;
        }
        for (AutoCloseable r : repeating) {
            try {
                r.close();
            } catch (Exception e) {
                LOG.debug("cancelling a node loop: {}", e.toString());
            }
        }
        if (steps != null) {
            steps.close();
            heartbeats.close();
        }
        if (ownLoops) {
            pinger.close();
            loops.close();
        }
    }
}
