package dev.vkubelet.tracing.opencensus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vkubelet.tracing.Granularity;
import dev.vkubelet.tracing.Span;
import dev.vkubelet.tracing.SpanStatus;
import dev.vkubelet.tracing.Tracer;
import io.opencensus.trace.AttributeValue;
import io.opencensus.trace.Status;
import io.opencensus.trace.Tracing;
import io.opencensus.trace.export.SampledSpanStore;
import io.opencensus.trace.export.SpanData;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OpenCensusTracingTest {

    private static final SampledSpanStore STORE = Tracing.getExportComponent().getSampledSpanStore();

    /**
     * The sampled span store is fed through OpenCensus' event queue, so a span shows there a few
     * milliseconds after it ends: wait for it (at most 10 s).
     */
    private static Collection<SpanData> awaitErrorSpans(String name, Status.CanonicalCode code)
            throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            Collection<SpanData> spans = STORE.getErrorSampledSpans(
                    SampledSpanStore.ErrorFilter.create(name, code, 10));
            if (!spans.isEmpty() || System.nanoTime() - deadline > 0) {
                return spans;
            }
            Thread.sleep(10);
        }
    }

    private static Tracer tracer(String tag) {
        return OpenCensusTracing.configure(new TracingConfig(
                "vk-test", Map.of("env", tag), OptionalDouble.of(100), List.of(), Granularity.NORMAL));
    }

    @Test
    void childSpansShareTheTraceOfTheCurrentSpan() {
        Tracer tracer = tracer("nesting");
        try (Span parent = tracer.startSpan("parent")) {
            try (Span child = tracer.startSpan("child")) {
                assertEquals(parent.traceId(), child.traceId());
                assertNotEquals(parent.spanId(), child.spanId());
            }
        }
        try (Span other = tracer.startSpan("other")) {
            assertEquals(32, other.traceId().length());
        }
    }

    @Test
    void spansFinerThanTheGranularityAreDroppedWithoutBreakingNesting() {
        Tracer normal = tracer("granularity");
        assertEquals(Granularity.NORMAL, normal.granularity());
        try (Span host = normal.startSpan("host-call")) {
            try (Span step = normal.startSpan("backend-call", Granularity.NORMAL)) {
                assertEquals(host.traceId(), step.traceId());
            }
            try (Span poll = normal.startSpan("poll", Granularity.FINE)) {
                assertEquals("0".repeat(32), poll.traceId(), "a FINE span was recorded at NORMAL");
                try (Span inner = normal.startSpan("inner", Granularity.NORMAL)) {
                    assertEquals(host.traceId(), inner.traceId(), "the dropped span must not break the parent link");
                }
            }
        }
        Tracer fine = normal.withGranularity(Granularity.FINE);
        try (Span poll = fine.startSpan("poll", Granularity.FINE)) {
            assertNotEquals("0".repeat(32), poll.traceId(), "a FINE span was dropped at FINE");
        }
        Tracer coarse = normal.withGranularity(Granularity.COARSE);
        try (Span step = coarse.startSpan("backend-call", Granularity.NORMAL)) {
            assertEquals("0".repeat(32), step.traceId());
        }
        assertThrows(IllegalArgumentException.class, () -> Granularity.parse("verbose"));
        assertEquals(Granularity.FINE, Granularity.parse(" Fine "));
    }

    @Test
    void aPluginsSpansWithoutADetailCountAsNormalSoCoarseRecordsNoneOfThem() {
        Tracer host = tracer("plugin-rule").withGranularity(Granularity.COARSE);
        Tracer plugin = host.forPlugins();
        assertEquals(Granularity.COARSE, plugin.granularity());
        try (Span call = host.startSpan("provider.PodLifecycleHandler.createPod")) {
            assertNotEquals("0".repeat(32), call.traceId(), "the host's span was dropped at coarse");
            try (Span step = plugin.startSpan("backend-call")) {
                assertEquals("0".repeat(32), step.traceId(), "a plugin's plain span was recorded at coarse");
            }
            try (Span step = plugin.withGranularity(Granularity.COARSE).startSpan("backend-call")) {
                assertEquals("0".repeat(32), step.traceId(), "withGranularity lost the plugin rule");
            }
        }
        Tracer normal = plugin.withGranularity(Granularity.NORMAL);
        try (Span step = normal.startSpan("backend-call")) {
            assertNotEquals("0".repeat(32), step.traceId(), "a plugin's plain span was dropped at normal");
        }
        try (Span poll = normal.startSpan("poll", Granularity.FINE)) {
            assertEquals("0".repeat(32), poll.traceId());
        }
    }

    @Test
    void outgoingRequestsCarryTheCurrentSpanInTheConfiguredFormats() {
        Map<String, String> none = new java.util.TreeMap<>();
        tracer("inject").inject(none::put);
        assertEquals(Map.of(), none, "no current span, no headers");
        try (Span span = tracer("inject").startSpan("outgoing")) {
            Map<String, String> w3c = new java.util.TreeMap<>();
            tracer("inject").inject(w3c::put);
            assertEquals(Map.of("traceparent", "00-" + span.traceId() + "-" + span.spanId() + "-01"), w3c);
            Tracer b3Only = OpenCensusTracing.configure(new TracingConfig("vk-test", Map.of(), OptionalDouble.of(100),
                    List.of(), Granularity.NORMAL, TracingConfig.Propagation.parse("b3")));
            Map<String, String> b3 = new java.util.TreeMap<>();
            b3Only.forPlugins().inject(b3::put);
            assertEquals(Map.of("X-B3-TraceId", span.traceId(), "X-B3-SpanId", span.spanId(), "X-B3-Sampled", "1"), b3,
                    "a plugin's tracer injects the host's formats");
            Tracer both = OpenCensusTracing.configure(new TracingConfig("vk-test", Map.of(), OptionalDouble.of(100),
                    List.of(), Granularity.NORMAL, TracingConfig.Propagation.parse(" W3C , b3")));
            Map<String, String> all = new java.util.TreeMap<>();
            both.inject(all::put);
            assertEquals(java.util.Set.of("traceparent", "X-B3-TraceId", "X-B3-SpanId", "X-B3-Sampled"), all.keySet());
            // a dropped (too fine) span leaves its parent current: the parent's context goes out
            try (Span fine = tracer("inject").startSpan("poll", Granularity.FINE)) {
                Map<String, String> parent = new java.util.TreeMap<>();
                tracer("inject").inject(parent::put);
                assertEquals("00-" + span.traceId() + "-" + span.spanId() + "-01", parent.get("traceparent"));
            }
        }
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> TracingConfig.Propagation.parse("jaeger"));
        assertEquals("'jaeger' is not a propagation format: use w3c, b3 or both (w3c,b3)", bad.getMessage());
    }

    @Test
    void aContinuationRunsLaterTasksAsChildrenOfTheSpanCurrentWhenItWasTaken() throws Exception {
        Tracer tracer = tracer("continuation");
        java.util.function.UnaryOperator<Runnable> later;
        String request;
        try (Span span = tracer.startSpan("kubelet GET /exec/*")) {
            request = span.traceId();
            later = tracer.continuation();
        }
        String[] seen = new String[1];
        Thread stream = new Thread(later.apply(() -> {
            try (Span session = tracer.startSpan("session")) {
                seen[0] = session.traceId();
            }
        }));
        stream.start();
        stream.join(10_000);
        assertEquals(request, seen[0], "the session continues the request's trace");
    }

    @Test
    void aSpanLinksToAContextKeptFromAnotherTrace() {
        Tracer tracer = tracer("links");
        assertEquals(java.util.Optional.empty(), tracer.currentContext());
        String kept;
        String podTrace;
        try (Span create = tracer.startSpan("create")) {
            kept = tracer.currentContext().orElseThrow();
            podTrace = create.traceId();
            assertEquals("00-" + create.traceId() + "-" + create.spanId() + "-01", kept);
        }
        try (Span loop = tracer.startSpan("poll")) {
            assertNotEquals(podTrace, loop.traceId());
            loop.link(kept).link("garbage");
        }
    }

    @Test
    void anUnsetRateLeavesTheSamplerAsItIsOpenCensusDefaultBeingOneIn10000() {
        assertEquals(io.opencensus.trace.samplers.Samplers.probabilitySampler(0.0001),
                io.opencensus.trace.config.TraceParams.DEFAULT.getSampler(), "OpenCensus' default, as DEBUGGING.md says");
        io.opencensus.trace.config.TraceConfig config = io.opencensus.trace.Tracing.getTraceConfig();
        io.opencensus.trace.Sampler before = config.getActiveTraceParams().getSampler();
        OpenCensusTracing.configure(new TracingConfig("vk-test", Map.of(), OptionalDouble.empty(), List.of(),
                Granularity.NORMAL));
        assertEquals(before, config.getActiveTraceParams().getSampler(), "configure without a rate changed the sampler");
    }

    @Test
    void theCurrentSpanIsInTheMdcAndTheOuterOneComesBack() {
        Tracer tracer = tracer("mdc");
        try (Span outer = tracer.startSpan("outer")) {
            assertEquals(outer.traceId(), org.slf4j.MDC.get("traceId"));
            assertEquals(outer.spanId(), org.slf4j.MDC.get("spanId"));
            try (Span inner = tracer.startSpan("inner")) {
                assertEquals(inner.spanId(), org.slf4j.MDC.get("spanId"));
            }
            assertEquals(outer.spanId(), org.slf4j.MDC.get("spanId"));
        }
        assertEquals(null, org.slf4j.MDC.get("spanId"));
    }

    @Test
    void serverSpansContinueB3AndW3cTraceContexts() {
        Tracer tracer = tracer("propagation");
        String trace = "463ac35c9f6413ad48485a3953bb6124";
        Map<String, String> b3 = Map.of("X-B3-TraceId", trace, "X-B3-SpanId", "a2fb4a1d1a96d312",
                "X-B3-ParentSpanId", "0020000000000001", "X-B3-Sampled", "1");
        try (Span span = tracer.startServerSpan("GET /containerLogs", h -> b3.get(h))) {
            assertEquals(trace, span.traceId());
        }
        Map<String, String> w3c = Map.of("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        try (Span span = tracer.startServerSpan("GET /pods", h -> w3c.get(h))) {
            assertEquals("0af7651916cd43dd8448eb211c80319c", span.traceId());
        }
        try (Span outer = tracer.startSpan("unrelated");
                Span fresh = tracer.startServerSpan("GET /healthz", h -> null)) {
            assertNotEquals(outer.traceId(), fresh.traceId(), "a request without context starts a new trace");
        }
        Map<String, String> garbage = Map.of("traceparent", "not-a-context", "X-B3-TraceId", "xyz");
        try (Span span = tracer.startServerSpan("GET /pods", h -> garbage.get(h))) {
            assertEquals(32, span.traceId().length());
        }
    }

    @Test
    void propagatedTasksNestUnderTheSpanOfTheThreadThatHandedThemOver() throws Exception {
        Tracer tracer = tracer("threads");
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
        try (Span parent = tracer.startSpan("handing-over")) {
            String childTrace = pool.submit(tracer.propagate(() -> {
                try (Span child = tracer.startSpan("on-another-thread")) {
                    return child.traceId();
                }
            })).get();
            assertEquals(parent.traceId(), childTrace);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void failedSpansCarryStatusAttributesAndDefaultTags() throws InterruptedException {
        String name = "failing-" + System.nanoTime();
        STORE.registerSpanNamesForCollection(Set.of(name));
        Tracer tracer = tracer("failures");

        assertThrows(IllegalStateException.class, () -> tracer.inSpan(name, () -> {
            throw new IllegalStateException("boom");
        }));

        Collection<SpanData> spans = awaitErrorSpans(name, Status.CanonicalCode.UNKNOWN);
        assertEquals(1, spans.size());
        SpanData span = spans.iterator().next();
        assertEquals("boom", span.getStatus().getDescription());
        Map<String, AttributeValue> attributes = span.getAttributes().getAttributeMap();
        assertEquals(AttributeValue.stringAttributeValue("failures"), attributes.get("env"));
        assertEquals(AttributeValue.stringAttributeValue("vk-test"), attributes.get("service.name"));
        assertEquals(AttributeValue.stringAttributeValue(IllegalStateException.class.getName()),
                attributes.get("error.type"));
    }

    @Test
    void explicitStatusIsMappedToTheCanonicalCode() throws InterruptedException {
        String name = "notfound-" + System.nanoTime();
        STORE.registerSpanNamesForCollection(Set.of(name));
        try (Span span = tracer("status").startSpan(name)) {
            span.setStatus(SpanStatus.NOT_FOUND, "no such pod");
        }
        assertEquals(1, awaitErrorSpans(name, Status.CanonicalCode.NOT_FOUND).size());
    }

    @Test
    void sampleRateOutsideZeroToHundredIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new TracingConfig(
                "x", Map.of(), OptionalDouble.of(101), List.of(), Granularity.NORMAL));
    }

    @Test
    void neverSamplesNothingEvenUnderASampledCallerAndAlwaysSamplesEverything() {
        io.opencensus.trace.TraceId trace = io.opencensus.trace.TraceId.fromLowerBase16(
                "463ac35c9f6413ad48485a3953bb6124");
        io.opencensus.trace.SpanId span = io.opencensus.trace.SpanId.fromLowerBase16("a2fb4a1d1a96d312");
        io.opencensus.trace.SpanContext sampledCaller = io.opencensus.trace.SpanContext.create(trace, span,
                io.opencensus.trace.TraceOptions.builder().setIsSampled(true).build());
        io.opencensus.trace.SpanContext unsampledCaller = io.opencensus.trace.SpanContext.create(trace, span,
                io.opencensus.trace.TraceOptions.DEFAULT);
        io.opencensus.trace.SpanId child = io.opencensus.trace.SpanId.fromLowerBase16("b7ad6b7169203331");
        assertEquals(false, OpenCensusTracing.sampler(0).shouldSample(sampledCaller, true, trace, child, "s",
                List.of()), "never kept a trace because its caller said sampled");
        assertEquals(false, OpenCensusTracing.sampler(0).shouldSample(null, null, trace, child, "s", List.of()));
        assertEquals(true, OpenCensusTracing.sampler(100).shouldSample(unsampledCaller, true, trace, child, "s",
                List.of()));
        assertEquals(true, OpenCensusTracing.sampler(0.0001).shouldSample(sampledCaller, true, trace, child, "s",
                List.of()), "a rate keeps a sampled caller's decision");
    }
}
