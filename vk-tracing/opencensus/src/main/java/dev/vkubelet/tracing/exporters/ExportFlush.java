package dev.vkubelet.tracing.exporters;

import io.opencensus.trace.Span;
import io.opencensus.trace.Tracing;
import io.opencensus.trace.export.SpanData;
import io.opencensus.trace.samplers.Samplers;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Lets an exporter wait until every span that ended before the wait has reached it: OpenCensus hands
 * spans to exporters in batches every few seconds, so without this the last seconds of a run would
 * be lost when the exporter stops. A marker span, always sampled, goes through the same queue; when
 * the batch it arrives in has been sent, everything before it has. Exporters pass each span to
 * {@link #isMarker}, leave markers out of what they send, and call {@link #batchDone} once the
 * batch is written or sent.
 */
final class ExportFlush {

    /** The name of the marker span; never exported by our exporters. */
    static final String MARKER = "vk.exporter.flush";

    private final Map<String, CountDownLatch> waiting = new ConcurrentHashMap<>();
    private final Queue<CountDownLatch> arrived = new ConcurrentLinkedQueue<>();

    /** Whether {@code span} is a marker; if it is one of ours, {@link #batchDone} releases its waiter. */
    boolean isMarker(SpanData span) {
        if (!MARKER.equals(span.getName())) {
            return false;
        }
        CountDownLatch flushed = waiting.remove(span.getContext().getSpanId().toLowerBase16());
        if (flushed != null) {
            arrived.add(flushed);
        }
        return true;
    }

    /** The batch the markers seen so far came in is written or sent: their waiters go on. */
    void batchDone() {
        for (CountDownLatch flushed; (flushed = arrived.poll()) != null; ) {
            flushed.countDown();
        }
    }

    /**
     * Sends a marker and waits up to {@code timeout} for it to arrive; returns whether it did. With
     * sampling at {@code never} nothing was sampled, so nothing is waited for and no marker is sent
     * (other exporters would show it, and {@code never} exports no span).
     */
    boolean await(Duration timeout) throws InterruptedException {
        if (Samplers.neverSample().equals(Tracing.getTraceConfig().getActiveTraceParams().getSampler())) {
            return true;
        }
        Span marker = Tracing.getTracer().spanBuilderWithExplicitParent(MARKER, null)
                .setSampler(Samplers.alwaysSample()).setRecordEvents(true).startSpan();
        CountDownLatch flushed = new CountDownLatch(1);
        String id = marker.getContext().getSpanId().toLowerBase16();
        waiting.put(id, flushed);
        marker.end();
        boolean arrived = flushed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        waiting.remove(id);
        return arrived;
    }
}
