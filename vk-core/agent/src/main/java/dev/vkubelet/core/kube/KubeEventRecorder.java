package dev.vkubelet.core.kube;

import dev.vkubelet.core.limits.OccasionalReport;
import dev.vkubelet.core.ports.EventRecorder;
import dev.vkubelet.core.threads.DaemonThreads;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.V1EventSource;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1ObjectReference;
import io.kubernetes.client.openapi.models.V1Pod;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes core/v1 Events with source {@code <node>/pod-controller}, from a small pool of its own so
 * that callers never wait for the API server, at most {@code --event-qps} per second above a burst
 * (as the kubelet's {@code --event-qps}): in a burst of pods the API server's capacity goes to pod
 * status first, and events follow with the times they happened at. Like the kubelet's, events are
 * correlated first ({@link EventCorrelator}): repeats update one event's count and last time,
 * similar ones are combined, and a pod with too many is held back. A write the API server cannot
 * take now (no connection, 429, 5xx) is tried again with backoff, 1 s doubling to 30 s, for about
 * five minutes, so events recorded while the API server is away arrive when it is back. Events
 * beyond {@value #BACKLOG} waiting are dropped (and logged): they are information, not state.
 */
public final class KubeEventRecorder implements EventRecorder, AutoCloseable {

    static final int BACKLOG = 10_000;
    private static final int THREADS = 2;
    static final int ATTEMPTS = 12;
    private static final long FIRST_RETRY_MILLIS = 1_000;
    private static final long MAX_RETRY_MILLIS = 30_000;

    private static final Logger LOG = LoggerFactory.getLogger(KubeEventRecorder.class);
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private final CoreV1Api api;
    private final String nodeName;
    private final String component;
    private final RequestRateLimiter limiter;
    /** Events dropped: a warning a minute, with how many, not one per event. */
    private final OccasionalReport dropped = new OccasionalReport(java.time.Duration.ofMinutes(1), System::nanoTime);
    /** Events held back by the spam filter: the same. */
    private final OccasionalReport spam = new OccasionalReport(java.time.Duration.ofMinutes(1), System::nanoTime);
    private final EventCorrelator correlator = new EventCorrelator();
    private final long firstRetryMillis;
    private volatile boolean closing;
    private final java.util.concurrent.ThreadPoolExecutor writers = new java.util.concurrent.ThreadPoolExecutor(
            THREADS, THREADS, 0, java.util.concurrent.TimeUnit.MILLISECONDS,
            new java.util.concurrent.LinkedBlockingQueue<>(BACKLOG), DaemonThreads.named("event-recorder"));

    /**
     * @param qps events written per second; zero for no limit
     * @param burst events written at once above {@code qps}
     */
    public KubeEventRecorder(ApiClient client, String nodeName, double qps, int burst) {
        this(client, nodeName, qps, burst, FIRST_RETRY_MILLIS);
    }

    /** The same, trying a refused write again after {@code firstRetryMillis}, doubling (tests shorten it). */
    KubeEventRecorder(ApiClient client, String nodeName, double qps, int burst, long firstRetryMillis) {
        this.firstRetryMillis = firstRetryMillis;
        this.api = new CoreV1Api(Objects.requireNonNull(client, "client"));
        this.limiter = qps > 0 ? new RequestRateLimiter(qps, burst) : null;
        this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
        this.component = nodeName + "/pod-controller";
    }

    @Override
    public void record(V1Pod pod, String type, String reason, String message) {
        V1ObjectMeta meta = pod.getMetadata();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        // the pod's own node: one recorder serves every node of the process
        String node = pod.getSpec() != null && pod.getSpec().getNodeName() != null ? pod.getSpec().getNodeName()
                : nodeName;
        String source = node.equals(nodeName) ? component : node + "/pod-controller";
        CoreV1Event event = new CoreV1Event()
                .metadata(new V1ObjectMeta().namespace(meta.getNamespace())
                        .name(meta.getName() + "." + Long.toHexString(System.currentTimeMillis())
                                + Long.toHexString(SEQUENCE.incrementAndGet())))
                .involvedObject(new V1ObjectReference().apiVersion("v1").kind("Pod").namespace(meta.getNamespace())
                        .name(meta.getName()).uid(meta.getUid()).resourceVersion(meta.getResourceVersion()))
                .type(type).reason(reason).message(message)
                .source(new V1EventSource().component(source).host(node))
                .reportingComponent(source).reportingInstance(node)
                .firstTimestamp(now).lastTimestamp(now).count(1);
        EventCorrelator.Decision decision = correlator.correlate(event, now.toInstant());
        if (decision instanceof EventCorrelator.Drop) {
            long count = spam.count();
            if (count > 0) {
                LOG.warn("held back {} event(s) since the last warning, the latest {} on pod {}/{}: a pod gets {} events"
                        + " at once and one more every {} minutes", count, reason, meta.getNamespace(), meta.getName(),
                        EventCorrelator.SPAM_BURST, EventCorrelator.SPAM_REFILL.toMinutes());
            }
            return;
        }
        try {
            writers.execute(() -> write(decision));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            long count = dropped.count();
            if (count > 0) {
                LOG.warn("dropped {} event(s) since the last warning, the latest {} on pod {}/{}: {} events were waiting"
                        + " (--event-qps, --event-burst)", count, reason, meta.getNamespace(), meta.getName(), BACKLOG);
            }
        }
    }

    private void write(EventCorrelator.Decision decision) {
        CoreV1Event event = decision instanceof EventCorrelator.Create create ? create.event()
                : ((EventCorrelator.Update) decision).seen().current();
        String namespace = event.getMetadata().getNamespace();
        long wait = firstRetryMillis;
        for (int attempt = 1; ; attempt++) {
            try {
                if (limiter != null) {
                    limiter.acquire();
                }
                if (decision instanceof EventCorrelator.Create) {
                    create(namespace, event);
                } else {
                    update(namespace, ((EventCorrelator.Update) decision).seen());
                }
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                LOG.debug("not recording event {}: stopping", event.getReason());
                return;
            } catch (ApiException | RuntimeException e) {
                int code = e instanceof ApiException api ? api.getCode() : 0;
                boolean later = code == 0 || code == 429 || code >= 500;
                if (!later || attempt >= ATTEMPTS || closing) {
                    LOG.warn("cannot record event {} on pod {}/{}{}: {}", event.getReason(), namespace,
                            event.getInvolvedObject().getName(), later ? " (tried " + attempt + " times)" : "",
                            ApiMessages.describe(e));
                    return;
                }
                LOG.debug("event {} not written ({}); trying again in {} ms", event.getReason(),
                        ApiMessages.describe(e), wait);
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                    return;
                }
                wait = Math.min(MAX_RETRY_MILLIS, wait * 2);
            }
        }
    }

    /** Creates the event; one that exists already (an earlier attempt got through) is done. */
    private void create(String namespace, CoreV1Event event) throws ApiException {
        try {
            api.createNamespacedEvent(namespace, event).execute();
        } catch (ApiException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }

    /**
     * Brings the event written earlier up to date (count, last time, message); one that is gone (its
     * hour is up, or its create is still on its way) is created with the count so far, and one whose
     * create got there meanwhile is patched after all.
     */
    private void update(String namespace, EventCorrelator.Seen seen) throws ApiException {
        CoreV1Event now = seen.current();
        com.google.gson.JsonObject patch = new com.google.gson.JsonObject();
        patch.addProperty("count", now.getCount());
        patch.addProperty("lastTimestamp", now.getLastTimestamp().toString());
        patch.addProperty("message", now.getMessage());
        for (int tries = 0; ; tries++) {
            try {
                io.kubernetes.client.util.PatchUtils.patch(CoreV1Event.class, () -> api.patchNamespacedEvent(
                        now.getMetadata().getName(), namespace, new io.kubernetes.client.custom.V1Patch(patch.toString()))
                        .buildCall(null), io.kubernetes.client.custom.V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, api.getApiClient());
                return;
            } catch (ApiException e) {
                if (e.getCode() != 404 || tries > 0) {
                    throw e;
                }
            }
            try {
                api.createNamespacedEvent(namespace, seen.current()).execute();
                return;
            } catch (ApiException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
            }
        }
    }

    /** Whether no writer runs any more (after {@link #close()}). */
    boolean stopped() {
        return writers.isTerminated();
    }

    /**
     * Writes what is waiting for at most 5 s, then stops: what is still waiting is dropped (said in
     * one line) and the writers are interrupted, and this waits up to 5 s more for a write under way,
     * so that nothing is written after the agent has stopped and the API server may go.
     */
    @Override
    public void close() {
        closing = true;
        writers.shutdown();
        try {
            if (!writers.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS)) {
                int left = writers.shutdownNow().size();
                if (!writers.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS)) {
                    LOG.warn("event writers did not stop within 10 s");
                }
                LOG.info("{} event(s) not recorded: the agent is stopping (they waited for --event-qps)", left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            writers.shutdownNow();
        }
    }
}
