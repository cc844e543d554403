package dev.vkubelet.tracing.exporters;

import io.opencensus.trace.Span;
import io.opencensus.trace.Tracing;
import io.opencensus.trace.export.SpanData;
import io.opencensus.trace.export.SpanExporter;
import io.opencensus.trace.samplers.Samplers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An exporter that can wait until every span that ended before the wait has reached it: OpenCensus
 * hands spans to exporters in batches every few seconds, so without this the last seconds of a run
 * would be lost when the exporter stops. A marker span, always sampled, goes through the same queue;
 * when the batch it arrives in has been written or sent, everything before it has. Subclasses get
 * each batch without markers ({@link #exportBatch}); {@link #awaitFlush} waits.
 */
abstract class FlushingExporter extends SpanExporter.Handler implements AutoCloseable {

    /** The name of the marker span; never written or sent by these exporters. */
    static final String MARKER = "vk.exporter.flush";

    private final Map<String, CountDownLatch> waiting = new ConcurrentHashMap<>();

    /** Writes or sends one batch of finished spans (never empty, no markers). */
    abstract void exportBatch(List<SpanData> spans);

    @Override
    public final void export(Collection<SpanData> spans) {
        List<SpanData> batch = new ArrayList<>(spans.size());
        List<CountDownLatch> arrived = new ArrayList<>();
        for (SpanData span : spans) {
            if (!MARKER.equals(span.getName())) {
                batch.add(span);
                continue;
            }
            CountDownLatch flushed = waiting.remove(span.getContext().getSpanId().toLowerBase16());
            if (flushed != null) {
                arrived.add(flushed);
            }
        }
        try {
            if (!batch.isEmpty()) {
                exportBatch(batch);
            }
        } finally {
            arrived.forEach(CountDownLatch::countDown);
        }
    }

    /**
     * Sends a marker and waits up to {@code timeout} until the batch it arrives in is written or
     * sent; returns whether it was. With sampling at {@code never} nothing was sampled, so nothing is
     * waited for and no marker is sent (other exporters would show it, and {@code never} exports no
     * span).
     */
    boolean awaitFlush(Duration timeout) throws InterruptedException {
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
