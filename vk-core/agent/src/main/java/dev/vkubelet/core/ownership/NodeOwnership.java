package dev.vkubelet.core.ownership;

import dev.vkubelet.core.ports.ApiFailure;
import dev.vkubelet.core.ports.LeaseStore;
import dev.vkubelet.core.ports.ObjectConflict;
import dev.vkubelet.core.ports.ObjectExists;
import dev.vkubelet.core.ports.ObjectMissing;
import dev.vkubelet.core.threads.DaemonThreads;
import io.kubernetes.client.openapi.models.V1Lease;
import io.kubernetes.client.openapi.models.V1LeaseSpec;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which nodes of a node set this replica serves, decided with the other replicas through Leases
 * (coordination.k8s.io): one Lease per replica, renewed every round, says the replica is alive;
 * one Lease per node names the replica that serves it and changes only when the node changes hands.
 * A node's holder counts while the holder's replica lease does, so renewing costs one write per
 * replica and round, whatever the number of nodes. Every round (each renew interval) a replica
 * renews its replica lease, then takes its even share ({@link OwnershipPlan}): it releases nodes
 * above its share and acquires free ones below it (a node is free when its lease names no holder or
 * a holder whose replica lease has not changed for a lease duration, as this replica's clock
 * measures it: clocks of other machines are never compared). A replica that cannot renew its own
 * lease for a lease duration stops serving every node before anyone else may start.
 *
 * <p>A node changes hands only through its Lease, by an update guarded by resourceVersion, so two
 * replicas never both win a node. The listener hears of every node acquired and lost, on the
 * ownership thread, lost ones first; it hears of a node lost <em>before</em> its lease is released,
 * so a replica that hands a node over has stopped serving it when the next one starts.
 * {@link #close()} hands every node over at once (the leases are released, not left to expire).
 *
 * <p>Between rounds a replica looks at the other replicas' leases alone, every fortieth of a lease
 * duration ({@link #lookInterval}; one small list): it notices a renewal within that time of its
 * write, and a replica lease that ran out or was released since the last round starts a round at
 * once. So a dead replica's nodes are taken about one lease duration after its last renewal (plus a
 * look and a round), not up to two renew intervals later, and a gracefully stopped replica's nodes
 * are taken as soon as it has released them.
 */
public final class NodeOwnership implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NodeOwnership.class);
    /** The label that ties the leases of one node set together. */
    public static final String SET_LABEL = "virtual-kubelet.io/node-set";
    /** The label that tells node leases from replica leases. */
    public static final String KIND_LABEL = "virtual-kubelet.io/lease-kind";
    /** The annotation naming the node a node lease is for. */
    public static final String NODE_ANNOTATION = "virtual-kubelet.io/node";

    /** Hears which nodes this replica gained and lost. */
    public interface Listener {
        void acquired(String node);

        /**
         * Stops serving {@code node}, without blocking: the answer completes once the node is no
         * longer served here, and only then is its lease released to another replica.
         */
        CompletionStage<?> lost(String node);
    }

    /**
     * @param namespace where the leases live
     * @param nodeSet the name all replicas of this node set share
     * @param replica this replica's identity (the leases' holder)
     * @param leaseDuration how long a lease that stopped changing still counts as held
     * @param renewInterval how often a round runs (well below the lease duration)
     */
    public record Settings(String namespace, String nodeSet, String replica, Duration leaseDuration,
            Duration renewInterval) {
        public Settings {
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(nodeSet, "nodeSet");
            Objects.requireNonNull(replica, "replica");
            if (replica.isBlank()) {
                throw new IllegalArgumentException("the replica identity must not be empty");
            }
            if (renewInterval.isZero() || renewInterval.isNegative() || renewInterval.compareTo(leaseDuration) >= 0) {
                throw new IllegalArgumentException("the renew interval must be positive and shorter than the lease"
                        + " duration, got " + renewInterval + " and " + leaseDuration);
            }
        }
    }

    /** A lease as last seen, and since when (this replica's clock) it has not changed. */
    private record Seen(String resourceVersion, String holder, long sinceNanos) {}

    private final LeaseStore store;
    private final Settings settings;
    private final Set<String> nodes;
    private final Listener listener;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private final Map<String, Seen> seen = new HashMap<>();
    /** Nodes held (their leases name this replica). */
    private final Set<String> held = new TreeSet<>();
    /** The replicas that counted as alive at the last round (this one included). */
    private Set<String> liveReplicas = Set.of();
    /** When this replica's lease was last renewed (this replica's clock); none yet when absent. */
    private Long renewed;
    /** Nodes this replica could not serve: handed over at the next round. */
    private final Set<String> handBack = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /**
     * Nodes being handed over: no longer served or planned for, their leases still naming this
     * replica until their stop completes (then released, at once or at the next round). A round
     * never waits for a stop, so a slow one cannot keep this replica from renewing its lease.
     */
    private final Map<String, CompletableFuture<?>> stopping = new HashMap<>();
    private volatile ScheduledExecutorService loop;
    private boolean stopped;

    public NodeOwnership(LeaseStore store, Settings settings, Set<String> nodes, Listener listener) {
        this(store, settings, nodes, listener, Clock.systemUTC(), System::nanoTime);
    }

    NodeOwnership(LeaseStore store, Settings settings, Set<String> nodes, Listener listener, Clock clock,
            LongSupplier nanoTime) {
        this.store = Objects.requireNonNull(store, "store");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.nodes = Set.copyOf(nodes);
        this.listener = Objects.requireNonNull(listener, "listener");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /** Runs a round now and then every renew interval, on a thread of its own. */
    public synchronized void start() {
        if (loop != null || stopped) {
            throw new IllegalStateException(stopped ? "closed" : "already started");
        }
        loop = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("node-ownership"));
        long every = settings.renewInterval().toMillis();
        loop.scheduleWithFixedDelay(this::guardedRound, 0, every, TimeUnit.MILLISECONDS);
        long look = lookInterval(settings.leaseDuration()).toMillis();
        loop.scheduleWithFixedDelay(this::guardedLook, look, look, TimeUnit.MILLISECONDS);
    }

    /** How often the other replicas' leases are looked at between rounds: a fortieth of the lease duration, at least 100 ms. */
    static Duration lookInterval(Duration leaseDuration) {
        return Duration.ofMillis(Math.max(100, leaseDuration.toMillis() / 40));
    }

    /**
     * Gives {@code node} back at the next round (this replica could not start serving it): its
     * lease is released so another replica, or this one later, tries again. Never blocks, so the
     * listener may call it.
     */
    public void handBack(String node) {
        handBack.add(node);
    }

    /** The nodes this replica holds now. */
    public synchronized Set<String> owned() {
        return Set.copyOf(held);
    }

    private void guardedRound() {
        try {
            round();
        } catch (RuntimeException e) {
            LOG.warn("node ownership round of {} failed: {}", settings.replica(), e.getMessage());
        }
    }

    private void guardedLook() {
        try {
            look();
        } catch (RuntimeException e) {
            LOG.debug("looking at the replica leases of {} failed: {}", settings.nodeSet(), e.getMessage());
        }
    }

    /**
     * Reads the replica leases alone and notes which changed; runs a round now when a replica that
     * counted at the last round no longer does (its lease ran out, was released, or is gone).
     */
    synchronized void look() {
        if (stopped || renewed == null) {
            return;
        }
        long now = nanoTime.getAsLong();
        giveUpWhenUnrenewed(now);
        Set<String> stillLive = new java.util.HashSet<>();
        for (V1Lease lease : store.list(settings.namespace(),
                SET_LABEL + "=" + label(settings.nodeSet()) + "," + KIND_LABEL + "=replica")) {
            remember(lease, now);
            if (live(lease, now)) {
                stillLive.add(holderOf(lease));
            }
        }
        for (String replica : liveReplicas) {
            if (!replica.equals(settings.replica()) && !stillLive.contains(replica)) {
                LOG.info("replica {} no longer counts (its lease ran out or was released): rebalancing now",
                        replica);
                round();
                return;
            }
        }
    }

    /**
     * Stops serving every node when this replica's lease has not been renewed for a lease duration
     * less two looks: the others count the duration from when they saw the renewal (after this
     * replica noted it) and notice its end a look later at the soonest, so it has stopped first.
     */
    private void giveUpWhenUnrenewed(long now) {
        long limit = settings.leaseDuration().toNanos() - 2 * lookInterval(settings.leaseDuration()).toNanos();
        if (renewed != null && now - renewed >= limit && !held.isEmpty()) {
            LOG.warn("replica {} could not renew its lease for {} s: no longer serving its {} nodes",
                    settings.replica(), TimeUnit.NANOSECONDS.toSeconds(now - renewed), held.size());
            new TreeSet<>(held).forEach(this::lose);
        }
    }

    /** One round: see, renew this replica's lease, release above the share, acquire below it. */
    synchronized void round() {
        if (stopped) {
            return;
        }
        long now = nanoTime.getAsLong();
        giveUpWhenUnrenewed(now);
        Map<String, V1Lease> leases = setLeases();
        leases.values().forEach(lease -> remember(lease, now));
        seen.keySet().retainAll(leases.keySet());
        releaseStopped(leases);
        if (!renewReplicaLease(leases.get(replicaLeaseName()))) {
            return; // not sure to be alive in the others' eyes: take nothing this round
        }
        renewed = now;
        Set<String> replicas = new TreeSet<>();
        replicas.add(settings.replica());
        for (V1Lease lease : leases.values()) {
            if ("replica".equals(kind(lease)) && live(lease, now)) {
                replicas.add(holderOf(lease));
            }
        }
        liveReplicas = Set.copyOf(replicas);
        Map<String, String> holders = new HashMap<>();
        for (V1Lease lease : leases.values()) {
            String holder = holderOf(lease);
            String node = lease.getMetadata().getAnnotations() == null ? null
                    : lease.getMetadata().getAnnotations().get(NODE_ANNOTATION);
            if ("node".equals(kind(lease)) && holder != null && replicas.contains(holder) && nodes.contains(node)) {
                holders.put(node, holder);
            }
        }
        for (String node : new TreeSet<>(held)) {
            if (!settings.replica().equals(holders.get(node))) {
                LOG.warn("replica {} lost node {} to {}", settings.replica(), node, holders.get(node));
                lose(node);
            }
        }
        for (String node : new TreeSet<>(handBack)) {
            handBack.remove(node);
            if (held.contains(node)) {
                release(leases.get(nodeLeaseName(node)), node);
                holders.remove(node);
            }
        }
        // a node being handed over counts as this replica's (its lease names it) and is left alone
        // until its stop is over and its lease released
        OwnershipPlan plan = OwnershipPlan.decide(settings.replica(), nodes, holders, replicas);
        for (String node : plan.keep()) {
            if (!stopping.containsKey(node) && held.add(node)) {
                // its lease names this replica, which does not serve it: a restart with the same identity
                LOG.info("replica {} serves node {} again (its lease still names this replica)", settings.replica(),
                        node);
                listener.acquired(node);
            }
        }
        for (String node : plan.release()) {
            if (!stopping.containsKey(node)) {
                release(leases.get(nodeLeaseName(node)), node);
            }
        }
        for (String node : plan.acquire()) {
            acquire(leases.get(nodeLeaseName(node)), node);
        }
    }

    private void remember(V1Lease lease, long now) {
        String name = lease.getMetadata().getName();
        String version = lease.getMetadata().getResourceVersion();
        Seen before = seen.get(name);
        if (before == null || !Objects.equals(before.resourceVersion(), version)) {
            seen.put(name, new Seen(version, holderOf(lease), now));
        }
    }

    /** Whether a replica lease still counts: held by this replica, or changed within its duration. */
    private boolean live(V1Lease lease, long now) {
        String holder = holderOf(lease);
        if (holder == null) {
            return false;
        }
        if (holder.equals(settings.replica())) {
            return true;
        }
        Seen since = seen.get(lease.getMetadata().getName());
        long duration = lease.getSpec().getLeaseDurationSeconds() == null ? settings.leaseDuration().toNanos()
                : TimeUnit.SECONDS.toNanos(lease.getSpec().getLeaseDurationSeconds());
        return since != null && now - since.sinceNanos() < duration;
    }

    /** Renews (or creates) this replica's lease; false when another write got there first. */
    private boolean renewReplicaLease(V1Lease current) {
        try {
            if (current == null) {
                store.create(lease(replicaLeaseName(), "replica", null, settings.replica(), 0));
            } else {
                store.update(withHolder(current, settings.replica(), false));
            }
            return true;
        } catch (ObjectConflict | ObjectExists | ObjectMissing e) {
            LOG.debug("replica lease of {} changed under us; renewed next round", settings.replica());
            return false;
        }
    }

    private void acquire(V1Lease current, String node) {
        try {
            if (current == null) {
                store.create(lease(nodeLeaseName(node), "node", node, settings.replica(), 0));
            } else {
                store.update(withHolder(current, settings.replica(), true));
            }
        } catch (ObjectConflict | ObjectExists | ObjectMissing e) {
            LOG.debug("replica {} tried node {} with another replica; the other won", settings.replica(), node);
            return;
        }
        held.add(node);
        LOG.info("replica {} now serves node {}", settings.replica(), node);
        listener.acquired(node);
    }

    /**
     * Stops serving the node, then frees its lease for the next replica: at once when the stop is
     * already over, else when it is (on the ownership thread, or at the next round).
     */
    private void release(V1Lease current, String node) {
        LOG.info("replica {} hands node {} over", settings.replica(), node);
        CompletableFuture<?> stopped = lose(node);
        if (stopped.isDone()) {
            freeLease(current, node);
            return;
        }
        stopping.put(node, stopped);
        stopped.whenComplete((done, failed) -> {
            ScheduledExecutorService running = loop;
            try {
                if (running != null) {
                    running.execute(this::releaseStopped);
                }
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                // closing: close() releases it
            }
        });
    }

    /** This node set's leases, by name. */
    private Map<String, V1Lease> setLeases() {
        Map<String, V1Lease> leases = new HashMap<>();
        store.list(settings.namespace(), SET_LABEL + "=" + label(settings.nodeSet()))
                .forEach(lease -> leases.put(lease.getMetadata().getName(), lease));
        return leases;
    }

    /** Frees the leases of the nodes whose stop is over, read anew. */
    private synchronized void releaseStopped() {
        if (stopped || stopping.values().stream().noneMatch(CompletableFuture::isDone)) {
            return;
        }
        try {
            releaseStopped(setLeases());
        } catch (ApiFailure e) {
            LOG.debug("listing leases to release stopped nodes: {} (next round)", e.getMessage());
        }
    }

    private void releaseStopped(Map<String, V1Lease> leases) {
        for (String node : new TreeSet<>(stopping.keySet())) {
            if (stopping.get(node).isDone()) {
                stopping.remove(node);
                freeLease(leases.get(nodeLeaseName(node)), node);
            }
        }
    }

    private void freeLease(V1Lease current, String node) {
        try {
            if (current != null && settings.replica().equals(holderOf(current))) {
                store.update(withHolder(current, null, false));
            }
        } catch (ApiFailure e) {
            LOG.debug("releasing node {}: {} (it is free once this replica's lease expires)", node, e.getMessage());
        }
    }

    private CompletableFuture<?> lose(String node) {
        if (held.remove(node)) {
            return listener.lost(node).toCompletableFuture();
        }
        return CompletableFuture.completedFuture(null);
    }

    private V1Lease lease(String name, String kind, String node, String holder, int transitions) {
        OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        V1ObjectMeta meta = new V1ObjectMeta().name(name).namespace(settings.namespace())
                .putLabelsItem(SET_LABEL, label(settings.nodeSet())).putLabelsItem(KIND_LABEL, kind);
        if (node != null) {
            meta.putAnnotationsItem(NODE_ANNOTATION, node);
        }
        return new V1Lease().metadata(meta).spec(new V1LeaseSpec().holderIdentity(holder)
                .leaseDurationSeconds((int) settings.leaseDuration().toSeconds()).acquireTime(now).renewTime(now)
                .leaseTransitions(transitions));
    }

    private V1Lease withHolder(V1Lease current, String holder, boolean taking) {
        OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        V1LeaseSpec spec = Optional.ofNullable(current.getSpec()).orElseGet(V1LeaseSpec::new);
        spec.holderIdentity(holder).renewTime(now).leaseDurationSeconds((int) settings.leaseDuration().toSeconds());
        if (taking) {
            spec.acquireTime(now).leaseTransitions(Optional.ofNullable(spec.getLeaseTransitions()).orElse(0) + 1);
        }
        return current.spec(spec);
    }

    private static String holderOf(V1Lease lease) {
        String holder = lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
        return holder == null || holder.isEmpty() ? null : holder;
    }

    private static String kind(V1Lease lease) {
        return lease.getMetadata().getLabels() == null ? null : lease.getMetadata().getLabels().get(KIND_LABEL);
    }

    String nodeLeaseName(String node) {
        return LeaseNames.of("vk-node-", node);
    }

    String replicaLeaseName() {
        // the set in the name: one replica identity may take part in several sets of one namespace
        return LeaseNames.of("vk-replica-", settings.nodeSet() + "." + settings.replica());
    }

    private static String label(String value) {
        return labelValue(value);
    }

    /**
     * Any string as a label value: itself when it is one, else cut to fit with a digest of itself
     * (the node-set label here; the agent label of the nodes, {@code virtual-kubelet.io/agent}).
     */
    public static String labelValue(String value) {
        return LeaseNames.labelValue(value);
    }

    /** Stops the rounds and hands every node over at once: their leases and this replica's are released. */
    @Override
    public void close() {
        stop();
        List<CompletableFuture<?>> stops = new java.util.ArrayList<>();
        synchronized (this) {
            for (String node : new TreeSet<>(held)) {
                LOG.info("replica {} hands node {} over", settings.replica(), node);
                stopping.put(node, lose(node));
            }
            stops.addAll(stopping.values());
        }
        // every node stopped before any lease is released (outside the lock: the stops may ask what is owned)
        try {
            CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new))
                    .get(settings.leaseDuration().toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warn("not every node stopped within {} s ({}); their leases are released anyway",
                    settings.leaseDuration().toSeconds(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            Map<String, V1Lease> leases = Map.of();
            try {
                leases = setLeases();
            } catch (ApiFailure e) {
                LOG.warn("cannot hand nodes over ({}); their leases expire instead", e.getMessage());
            }
            for (String node : new TreeSet<>(stopping.keySet())) {
                freeLease(leases.get(nodeLeaseName(node)), node);
            }
            stopping.clear();
            V1Lease mine = leases.get(replicaLeaseName());
            if (mine != null) {
                try {
                    store.update(withHolder(mine, null, false));
                } catch (ApiFailure e) {
                    LOG.debug("releasing the replica lease: {}", e.getMessage());
                }
            }
        }
    }

    /** Stops the rounds without handing anything over, as a replica that dies does (for tests). */
    void abandon() {
        stop();
    }

    private void stop() {
        ScheduledExecutorService running;
        synchronized (this) {
            stopped = true;
            running = loop;
        }
        if (running != null) {
            running.shutdownNow();
            try {
                running.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
