package dev.vkubelet.core.pod;

import dev.vkubelet.core.env.EnvResolver;
import dev.vkubelet.core.metrics.Instrumentation;
import dev.vkubelet.core.plugin.ProviderDeadline;
import dev.vkubelet.core.plugin.ProviderHandle;
import dev.vkubelet.core.ports.EventRecorder;
import dev.vkubelet.core.ports.PodClient;
import dev.vkubelet.core.ports.PodIndex;
import dev.vkubelet.core.queue.Timer;
import dev.vkubelet.core.queue.WorkQueue;
import dev.vkubelet.core.threads.DaemonThreads;
import dev.vkubelet.provider.PodEventSource;
import dev.vkubelet.provider.PodStatusNotifier;
import dev.vkubelet.provider.ProviderException;
import dev.vkubelet.tracing.Span;
import dev.vkubelet.tracing.SpanStatus;
import dev.vkubelet.tracing.Tracer;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs the pods bound to this node. Two keyed queues, each with {@code workers} workers:
 * <ul>
 *   <li>sync (Kubernetes to provider), fed by pod events and resyncs (a pod waiting for a ConfigMap
 *       or Secret is retried with backoff);
 *   <li>status (provider to Kubernetes), fed by provider notifications or the poller, and by
 *       status changes someone else made. A pushed status is kept and written as it came: the
 *       provider is asked only when polling, when it has pushed nothing for the pod yet, or when
 *       what it pushed was malformed.
 * </ul>
 * A key is never handled by two workers at once; a failing key is retried with capped exponential
 * backoff for as long as the pod exists; every exception is contained to its key.
 */
public final class PodController implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PodController.class);

    private final PodControllerSettings settings;
    private final PodIndex index;
    private final NodeProviders providers;
    private final Tracer tracer;
    private final Instrumentation metrics;
    /** Delayed retries and polling; made by {@link #start}, shut by {@link #close}. */
    private volatile ScheduledExecutorService scheduler;
    private final ProviderDeadline timeouts;
    private final WorkQueue<PodKey> syncQueue;
    private final WorkQueue<PodKey> statusQueue;
    /**
     * The status the provider last pushed, with the uid of the pod it was for, by key (what gets
     * written); dropped with the pod. Only the status is kept: the rest of the pod is the watch's.
     */
    private final Map<PodKey, Pushed> pushed = new java.util.concurrent.ConcurrentHashMap<>();

    /** A pushed status and the uid of the pod it is for. */
    private record Pushed(String uid, V1PodStatus status) {}
    private final PodSync sync;
    private final PodStatusSync status;
    private final EventRecorder events;
    private final List<Thread> workers = new ArrayList<>();
    private StatusPoller poller;
    /** Providers whose notifications this controller hears (each once, however many nodes it serves). */
    private final java.util.Set<ProviderHandle> subscribed = java.util.Collections.newSetFromMap(
            new java.util.IdentityHashMap<>());
    /** Providers that push no status: their pods are polled. */
    private final java.util.Set<ProviderHandle> polled = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public PodController(PodControllerSettings settings, PodIndex index, PodClient pods, EventRecorder events,
            ProviderHandle provider, EnvResolver env, Tracer tracer, Clock clock) {
        this(settings, index, pods, events, NodeProviders.single(settings.nodeName(), provider), env, tracer, clock,
                Instrumentation.NOOP);
    }

    /** The same, reporting to {@code metrics}. */
    public PodController(PodControllerSettings settings, PodIndex index, PodClient pods, EventRecorder events,
            NodeProviders providers, EnvResolver env, Tracer tracer, Clock clock, Instrumentation metrics) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.index = Objects.requireNonNull(index, "index");
        this.providers = Objects.requireNonNull(providers, "providers");
        this.events = Objects.requireNonNull(events, "events");
        this.tracer = Objects.requireNonNull(tracer, "tracer");
        this.timeouts = new ProviderDeadline(settings.providerTimeout(), Integer.MAX_VALUE, "provider-call", tracer);
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        Timer timer = (task, delay) -> {
            ScheduledExecutorService running = scheduler;
            try {
                if (running != null) {
                    Timer.of(running).schedule(task, delay);
                }
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                // closed: the queues are shut down too, so the delayed add has nowhere to go
            }
        };
        this.syncQueue = new WorkQueue<>(timer, settings.backoff(), () -> metrics.queueAdded("sync"));
        this.statusQueue = new WorkQueue<>(timer, settings.backoff(), () -> metrics.queueAdded("status"));
        metrics.queueDepth("sync", syncQueue::length);
        metrics.queueDepth("status", statusQueue::length);
        metrics.podPhases(() -> index.list().stream().collect(java.util.stream.Collectors.groupingBy(
                p -> p.getStatus() == null || p.getStatus().getPhase() == null ? "Pending" : p.getStatus().getPhase(),
                java.util.stream.Collectors.counting())));
        this.status = new PodStatusSync(index, pods, providers, timeouts, settings.hostIp(), metrics, clock, tracer);
        this.sync = new PodSync(index, pods, events, providers, timeouts, env, status, settings.hostIp(), clock,
                metrics);
    }

    /** A pod appeared in the watch. */
    public void onAdd(V1Pod pod) {
        sync.remember(pod);
        try (Span span = informerSpan("pod.event.add", pod)) {
            syncQueue.add(PodKey.of(pod));
            statusQueue.add(PodKey.of(pod));
        }
    }

    /** A pod changed in the watch (or a resync). */
    public void onUpdate(V1Pod old, V1Pod now) {
        sync.remember(now);
        try (Span span = informerSpan("pod.event.update", now)) {
            boolean sync = PodEquality.syncRelevant(old, now);
            boolean status = PodEquality.statusChanged(old, now);
            span.attribute("enqueuedSync", sync).attribute("enqueuedStatus", status);
            if (sync) {
                syncQueue.add(PodKey.of(now));
            }
            if (status) {
                statusQueue.add(PodKey.of(now));
            }
        }
    }

    /** A pod left the watch. */
    public void onDelete(V1Pod pod) {
        sync.remember(pod);
        try (Span span = informerSpan("pod.event.delete", pod)) {
            pushed.remove(PodKey.of(pod));
            syncQueue.add(PodKey.of(pod));
        }
    }

    private Span informerSpan(String name, V1Pod pod) {
        Span span = tracer.startSpan(name).attribute("namespace", pod.getMetadata().getNamespace())
                .attribute("pod", pod.getMetadata().getName());
        if (pod.getSpec() != null && pod.getSpec().getNodeName() != null) {
            span.attribute("node", pod.getSpec().getNodeName());
        }
        return span;
    }

    /**
     * Starts: removes dangling pods from the provider (the index must have synced), subscribes to
     * provider notifications or starts polling, and starts the workers.
     */
    public synchronized void start() {
        if (!index.hasSynced()) {
            throw new IllegalStateException("the pod index has not synced: refusing to look for dangling pods");
        }
        if (closed || scheduler != null) {
            throw new IllegalStateException(closed ? "closed" : "already started");
        }
        scheduler = Executors.newScheduledThreadPool(1, DaemonThreads.named("pod-controller-timer"));
        try (Span span = tracer.startSpan("pod.deleteDangling")) {
            int deleted = sync.deleteDangling();
            span.attribute("deleted", deleted);
        } catch (RuntimeException e) {
            LOG.warn("looking for dangling pods failed: {}", e.getMessage());
        }
        providers.distinct().forEach(this::subscribe);
        for (int i = 0; i < settings.workers(); i++) {
            workers.add(worker("pod-sync-" + i, syncQueue, "pod.sync", this::runSync));
            workers.add(worker("pod-status-" + i, statusQueue, "pod.syncStatus", this::runStatus));
        }
        index.list().forEach(this::onAdd);
        LOG.info("pod controller started for {} node(s): {} workers per queue, status by {}", providers.all().size(),
                settings.workers(), polled.isEmpty() ? "provider notifications"
                        : "polling every " + settings.pollInterval() + (polled.size() < providers.distinct().size()
                                ? " where providers do not push" : ""));
    }

    /** Hears {@code provider}'s events and status pushes, or polls its pods when it pushes none (once each). */
    private synchronized void subscribe(ProviderHandle provider) {
        if (!subscribed.add(provider)) {
            return;
        }
        provider.capability(PodEventSource.class).ifPresent(source -> source.eventsTo(this::onProviderEvent));
        Optional<PodStatusNotifier> notifier = provider.capability(PodStatusNotifier.class);
        if (notifier.isPresent()) {
            notifier.get().notifyPods(this::onProviderPod);
            return;
        }
        polled.add(provider);
        if (poller == null) {
            poller = new StatusPoller(scheduler, settings.pollInterval(), index, pod -> pod.getSpec() != null
                    && providers.forNode(pod.getSpec().getNodeName()).filter(polled::contains).isPresent(),
                    statusQueue::add);
        }
    }

    /**
     * Starts running {@code node}'s pods with {@code provider} (a replica gained the node): pods
     * the provider runs for the node that Kubernetes no longer has are deleted, the others are
     * adopted as they are (the sync finds them running and creates nothing), and every pod of the
     * node is queued.
     */
    public void serve(String node, ProviderHandle provider) {
        synchronized (this) {
            if (closed || scheduler == null) {
                throw new IllegalStateException(closed ? "closed" : "not started");
            }
            providers.serve(node, provider);
            subscribe(provider);
        }
        try (Span span = tracer.startSpan("pod.deleteDangling").attribute("node", node)) {
            span.attribute("deleted", sync.deleteDangling(provider));
        } catch (RuntimeException e) {
            LOG.warn("looking for dangling pods of node {} failed: {}", node, e.getMessage());
        }
        index.list().stream().filter(p -> p.getSpec() != null && node.equals(p.getSpec().getNodeName()))
                .forEach(this::onAdd);
    }

    /**
     * Stops running {@code node}'s pods here (a replica handed the node over): nothing is deleted
     * in the provider, queued work for the node's pods finds no provider and ends. The caller closes
     * the provider when no other node uses it.
     */
    public void stopServing(String node) {
        if (!providers.stopServing(node)) {
            return;
        }
        index.list().stream().filter(p -> p.getSpec() != null && node.equals(p.getSpec().getNodeName()))
                .forEach(p -> pushed.remove(PodKey.of(p)));
        synchronized (this) {
            java.util.Collection<ProviderHandle> inUse = providers.distinct();
            subscribed.removeIf(p -> !inUse.contains(p));
            polled.removeIf(p -> !inUse.contains(p));
        }
    }

    /** An event the provider's backend reported: recorded on the pod if the host has it. */
    private void onProviderEvent(String namespace, String name, String type, String reason, String message) {
        if (closed || namespace == null || name == null) {
            return;
        }
        index.get(namespace, name).ifPresent(pod -> events.record(pod,
                "Warning".equals(type) ? EventRecorder.WARNING : EventRecorder.NORMAL, reason, message));
    }

    private void onProviderPod(V1Pod pod) {
        if (pod == null || pod.getMetadata() == null || closed) {
            return;
        }
        PodKey key = PodKey.of(pod);
        Optional<V1Pod> known = index.get(key.namespace(), key.name());
        if (known.isPresent()) {
            // kept only for pods the watch has, so the entry goes with the pod (onDelete)
            Pushed before = pushed.put(key, new Pushed(pod.getMetadata().getUid(), pod.getStatus()));
            if (PodStatusSync.running(pod.getStatus()) && (before == null || !PodStatusSync.running(before.status()))
                    && !PodStatusSync.running(known.get().getStatus())) {
                PodStatusSync.providerRunning(tracer, known.get());
            }
        }
        statusQueue.add(key);
        known.filter(p -> p.getMetadata().getDeletionTimestamp() != null).ifPresent(p -> syncQueue.add(key));
    }

    private Outcome runSync(PodKey key) {
        return sync.sync(key);
    }

    /**
     * Writes the status the provider last pushed for the pod (status flows one way), or, when it
     * pushes nothing (polling) or has pushed nothing for this pod yet, the status it reports now.
     */
    private Outcome runStatus(PodKey key) {
        Pushed last = pushed.get(key);
        Optional<V1PodStatus> known = last == null || last.status() == null ? Optional.empty()
                : index.get(key.namespace(), key.name()).filter(p -> Objects.equals(
                        p.getMetadata().getUid(), last.uid())).map(p -> last.status());
        try {
            status.sync(key, known).ifPresent(ip -> syncQueue.add(key));
        } catch (ProviderException unusable) {
            if (known.isPresent()) {
                pushed.remove(key, last); // a malformed push: the retry asks the provider instead
            }
            throw unusable;
        }
        return Outcome.done();
    }

    private Thread worker(String name, WorkQueue<PodKey> queue, String spanName, Function<PodKey, Outcome> step) {
        String queueName = spanName.equals("pod.sync") ? "sync" : "status";
        return DaemonThreads.start(name, () -> {
            while (!closed) {
                Optional<WorkQueue.Taken<PodKey>> next;
                try {
                    next = queue.take();
                } catch (InterruptedException e) {
                    return;
                }
                if (next.isEmpty()) {
                    return;
                }
                process(queue, queueName, next.get(), spanName, step);
            }
        });
    }

    private void process(WorkQueue<PodKey> queue, String queueName, WorkQueue.Taken<PodKey> taken, String spanName,
            Function<PodKey, Outcome> step) {
        PodKey key = taken.key();
        metrics.queueTaken(queueName, taken.waited());
        long started = System.nanoTime();
        MDC.put("namespace", key.namespace());
        MDC.put("pod", key.name());
        try (Span span = tracer.startSpan(spanName)) {
            span.attribute("namespace", key.namespace()).attribute("pod", key.name())
                    .attribute("queue", queueName).attribute("key", key.toString())
                    .attribute("requeues", queue.failures(key)).attribute("waitMillis", taken.waited().toMillis());
            Outcome outcome;
            try {
                outcome = step.apply(key);
            } catch (RuntimeException | LinkageError e) {
                span.recordFailure(SpanStatus.UNKNOWN, e);
                LOG.warn("{} of pod {} failed (retry {}): {}", spanName, key, queue.failures(key) + 1, e.toString());
                outcome = Outcome.retry();
            }
            metrics.queueProcessed(queueName, java.time.Duration.ofNanos(System.nanoTime() - started),
                    outcome.kind().name().toLowerCase(java.util.Locale.ROOT));
            switch (outcome.kind()) {
                case DONE -> queue.forget(key);
                case RETRY -> span.attribute("retryIn", queue.retry(key).toMillis());
                case LATER -> {
                    queue.forget(key);
                    queue.addAfter(key, outcome.delay());
                }
                default -> throw new IllegalStateException();
            }
        } finally {
            queue.done(key);
            MDC.remove("namespace");
            MDC.remove("pod");
        }
    }

    /** Stops the workers and the poller. Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        syncQueue.shutDown();
        statusQueue.shutDown();
        if (poller != null) {
            poller.close();
        }
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        timeouts.close();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        for (Thread t : workers) {
            t.interrupt();
        }
        for (Thread t : workers) {
            try {
                t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
