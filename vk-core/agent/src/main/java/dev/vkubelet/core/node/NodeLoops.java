package dev.vkubelet.core.node;

import dev.vkubelet.core.limits.OccasionalReport;
import dev.vkubelet.core.metrics.Instrumentation;
import dev.vkubelet.core.threads.DaemonThreads;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node loops of a process, shared by all its nodes: one timer thread keeps every node's
 * "run X at T" in time order, and a small pool of workers runs the steps. A node's steps run in its
 * {@link Lane}, one at a time and in order, so they never race each other, whatever the pool size;
 * a node costs a lane (a few objects), not a thread. Repeating steps start at a random point of
 * their first interval (jitter), so many nodes' renewals spread over the interval instead of
 * arriving together, and keep their schedule afterwards (a late step does not move the next one;
 * a step that overran whole intervals skips them). How late each repeating step starts against its
 * schedule is reported as {@link Instrumentation#heartbeatLag}.
 *
 * <p>Heartbeats have workers of their own ({@link #heartbeatLane}): a node's lease renewal never
 * waits behind its own status write or behind the status writes of a thousand other nodes, which
 * take longer (a read and a whole-status write) and matter less (a late lease makes the node
 * NotReady; a late status write does not). Under a slow API server the status steps queue, the
 * heartbeats do not.
 *
 * <p>Constructors do nothing; {@link #start()} makes the threads, {@link #close()} stops them.
 */
public final class NodeLoops implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NodeLoops.class);

    private final int heartbeatWorkers;
    private final int workers;
    private final Instrumentation metrics;
    private final LongSupplier nanoTime;
    /** Steps that overran their interval: one warning a minute for the whole process. */
    private final OccasionalReport overruns;
    /** The provider-ping deadlines every node of these loops shares, by time limit. */
    private final java.util.Map<Duration, dev.vkubelet.core.plugin.ProviderDeadline> pings = new java.util.HashMap<>();
    private ScheduledExecutorService timer;
    private ExecutorService heartbeats;
    private ExecutorService pool;
    private boolean closed;

    /**
     * Loops whose heartbeat lanes run on {@code heartbeatWorkers} threads and other lanes on
     * {@code workers}, reporting lag to {@code metrics}.
     */
    public NodeLoops(int heartbeatWorkers, int workers, Instrumentation metrics) {
        this(heartbeatWorkers, workers, metrics, System::nanoTime);
    }

    /** The loops of a process serving {@code nodes} nodes: {@link #heartbeatWorkersFor}, {@link #workersFor}. */
    public static NodeLoops forNodes(int nodes, Instrumentation metrics) {
        return new NodeLoops(heartbeatWorkersFor(nodes), workersFor(nodes), metrics);
    }

    NodeLoops(int heartbeatWorkers, int workers, Instrumentation metrics, LongSupplier nanoTime) {
        if (workers < 1 || heartbeatWorkers < 1) {
            throw new IllegalArgumentException("node loops need at least one worker of each kind, got "
                    + heartbeatWorkers + " and " + workers);
        }
        this.heartbeatWorkers = heartbeatWorkers;
        this.workers = workers;
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.overruns = new OccasionalReport(Duration.ofMinutes(1), nanoTime);
    }

    /** Starts the timer and the workers. */
    public synchronized void start() {
        if (closed || timer != null) {
            throw new IllegalStateException(closed ? "closed" : "already started");
        }
        timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("node-loops-timer"));
        heartbeats = Executors.newFixedThreadPool(heartbeatWorkers, DaemonThreads.named("node-heartbeats"));
        pool = Executors.newFixedThreadPool(workers, DaemonThreads.named("node-loops"));
    }

    /**
     * The deadline for provider pings with this time limit, shared by every node of these loops (so
     * pings cost threads only while they run, not a thread per node); closed with the loops.
     */
    public synchronized dev.vkubelet.core.plugin.ProviderDeadline pings(Duration limit,
            dev.vkubelet.tracing.Tracer tracer) {
        return pings.computeIfAbsent(limit, l -> new dev.vkubelet.core.plugin.ProviderDeadline(l, Integer.MAX_VALUE,
                "node-ping", tracer));
    }

    /** A lane for the steps of node {@code node} other than its heartbeats (status writes, ...). */
    public Lane lane(String node) {
        return new Lane(Objects.requireNonNull(node, "node"), false);
    }

    /** A lane for the heartbeats of node {@code node}, run by the heartbeat workers. */
    public Lane heartbeatLane(String node) {
        return new Lane(Objects.requireNonNull(node, "node"), true);
    }

    private synchronized ExecutorService pool(boolean heartbeat) {
        if (pool == null) {
            throw new IllegalStateException(closed ? "node loops closed" : "node loops not started");
        }
        return heartbeat ? heartbeats : pool;
    }

    private synchronized ScheduledExecutorService timer() {
        if (timer == null) {
            throw new IllegalStateException(closed ? "node loops closed" : "node loops not started");
        }
        return timer;
    }

    /** Counts a step that overran its interval; warns at most once a minute, with the count. */
    private void overran(String node) {
        long count = overruns.count();
        if (count > 0) {
            LOG.warn("{} node step(s) overran their interval since the last warning (the latest of node {}): the node"
                    + " loops do not keep up; see vk_node_loop_lag_seconds", count, node);
        }
    }

    /**
     * How many workers the status and other steps of {@code nodes} nodes need: four, and one more
     * for every 20 nodes, at most 64. A status step waits for the API server (a read and a write),
     * so the workers are sized for the steps in flight, not for CPU; when the API server is slow
     * these steps queue, which delays status writes but no heartbeat.
     */
    public static int workersFor(int nodes) {
        return Math.min(64, 4 + nodes / 20);
    }

    /**
     * How many workers the heartbeats of {@code nodes} nodes need: four, and one more for every five
     * nodes, at most 256. A heartbeat waits for its lease write, so by Little's law the workers
     * busy are the renewals a second times a write's duration; sized so that renewals every 10 s
     * (the default) go out on time while each write takes up to 2 s (1,000 nodes: 100 renewals a
     * second, 204 workers). An idle worker is a parked thread.
     */
    public static int heartbeatWorkersFor(int nodes) {
        return Math.min(256, 4 + nodes / 5);
    }

    /** Stops the timer and the workers; steps not yet run are dropped. Idempotent. */
    @Override
    public void close() {
        ScheduledExecutorService t;
        ExecutorService p;
        ExecutorService h;
        synchronized (this) {
            closed = true;
            t = timer;
            p = pool;
            h = heartbeats;
            pings.values().forEach(dev.vkubelet.core.plugin.ProviderDeadline::close);
            pings.clear();
        }
        if (t != null) {
            t.shutdownNow();
            p.shutdownNow();
            h.shutdownNow();
            try {
                p.awaitTermination(5, TimeUnit.SECONDS);
                h.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * One node's steps, run one at a time in the order given, on the shared workers. After
     * {@link #close()} new steps are dropped and repeating ones stop.
     */
    public final class Lane implements java.util.concurrent.Executor, AutoCloseable {

        private final String node;
        private final boolean heartbeat;
        private final ArrayDeque<Runnable> steps = new ArrayDeque<>();
        private boolean running;
        private volatile boolean laneClosed;

        private Lane(String node, boolean heartbeat) {
            this.node = node;
            this.heartbeat = heartbeat;
        }

        /** Runs {@code step} after the steps already given; a step's exception is logged, not rethrown. */
        @Override
        public void execute(Runnable step) {
            synchronized (this) {
                if (laneClosed) {
                    return;
                }
                steps.add(step);
                if (running) {
                    return;
                }
                running = true;
            }
            dispatch();
        }

        private void dispatch() {
            try {
                pool(heartbeat).execute(this::runOne);
            } catch (RejectedExecutionException | IllegalStateException e) {
                synchronized (this) {
                    steps.clear();
                    running = false;
                }
            }
        }

        /** Runs one step, then gives the worker back (other lanes' steps may be waiting) and queues the next. */
        private void runOne() {
            Runnable step;
            synchronized (this) {
                step = steps.poll();
                if (step == null || laneClosed) {
                    steps.clear();
                    running = false;
                    return;
                }
            }
            try {
                step.run();
            } catch (RuntimeException e) {
                LOG.warn("a step of node {} failed: {}", node, e.toString(), e);
            }
            synchronized (this) {
                if (steps.isEmpty()) {
                    running = false;
                    return;
                }
            }
            dispatch();
        }

        /**
         * Runs {@code step} in this lane every {@code interval}, first at a random point of the
         * first {@code firstWithin} (zero: at once). Returns what cancels it.
         */
        public AutoCloseable every(Duration interval, Duration firstWithin, Runnable step) {
            return every(interval, firstWithin, late -> step.run());
        }

        /**
         * As {@link #every(Duration, Duration, Runnable)}, telling each run how late it is: the
         * step's argument answers, whenever asked, the time since the run's scheduled start.
         */
        public AutoCloseable every(Duration interval, Duration firstWithin, Step step) {
            long period = interval.toNanos();
            if (period <= 0) {
                throw new IllegalArgumentException("interval must be positive, got " + interval);
            }
            long spread = firstWithin.toNanos();
            long first = nanoTime.getAsLong() + (spread > 0 ? ThreadLocalRandom.current().nextLong(spread) : 0);
            Repeating repeating = new Repeating(period, step);
            repeating.at(first);
            return repeating;
        }

        /** Stops this lane: steps not yet run are dropped, repeating ones stop. */
        @Override
        public void close() {
            synchronized (this) {
                laneClosed = true;
                steps.clear();
            }
        }

        private final class Repeating implements AutoCloseable {
            private final long period;
            private final Step step;
            private volatile boolean cancelled;
            private volatile ScheduledFuture<?> next;

            Repeating(long period, Step step) {
                this.period = period;
                this.step = step;
            }

            void at(long planned) {
                if (cancelled || laneClosed) {
                    return;
                }
                long delay = Math.max(0, planned - nanoTime.getAsLong());
                try {
                    next = timer().schedule(() -> execute(() -> run(planned)), delay, TimeUnit.NANOSECONDS);
                } catch (RejectedExecutionException | IllegalStateException e) {
                    cancelled = true;
                }
            }

            private void run(long planned) {
                if (cancelled) {
                    return;
                }
                java.util.function.Supplier<Duration> late =
                        () -> Duration.ofNanos(Math.max(0, nanoTime.getAsLong() - planned));
                metrics.heartbeatLag(late.get());
                try {
                    step.run(late);
                } finally {
                    long following = planned + period;
                    long now = nanoTime.getAsLong();
                    if (following + period <= now) {
                        following += (now - following) / period * period;
                        overran(node);
                    }
                    at(following);
                }
            }

            @Override
            public void close() {
                cancelled = true;
                ScheduledFuture<?> pending = next;
                if (pending != null) {
                    pending.cancel(false);
                }
            }
        }
    }

    /** A repeating step that may ask how late it runs. */
    @FunctionalInterface
    public interface Step {
        /** Runs the step; {@code late} answers the time since its scheduled start, whenever asked. */
        void run(java.util.function.Supplier<Duration> late);
    }
}
