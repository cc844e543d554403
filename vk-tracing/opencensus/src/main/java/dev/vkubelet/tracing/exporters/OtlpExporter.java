package dev.vkubelet.tracing.exporters;

import io.opencensus.common.Timestamp;
import io.opencensus.trace.AttributeValue;
import io.opencensus.trace.Link;
import io.opencensus.trace.export.SpanData;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporterBuilder;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.InstrumentationLibraryInfo;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exports OpenCensus' finished spans over OTLP with the OpenTelemetry SDK's own exporter
 * ({@code http/protobuf} or {@code grpc}): each span is converted to the SDK's span data (ids,
 * parent, kind, times, attributes, annotations as events, links, status) under one resource that
 * holds the service name and the process-wide tags; a span attribute equal to the resource's is
 * left out. Failed exports are counted and logged at most once a minute; the spans of a failed
 * batch are lost (OpenCensus does not retry).
 */
final class OtlpExporter extends FlushingExporter {

    private static final Logger LOG = LoggerFactory.getLogger(OtlpExporter.class);
    private static final InstrumentationScopeInfo SCOPE = InstrumentationScopeInfo.create("dev.vkubelet");
    /**
     * The SDK's exporters log their failures through java.util.logging; ours are reported through
     * SLF4J instead, so theirs are silenced (held here so the setting is not garbage-collected).
     */
    private static final java.util.logging.Logger SDK_LOG = java.util.logging.Logger.getLogger("io.opentelemetry.exporter");

    private final io.opentelemetry.sdk.trace.export.SpanExporter exporter;
    private final Duration timeout;
    private final Resource resource;
    private final Map<String, String> resourceAttributes;
    private final AtomicLong failedSpans = new AtomicLong();
    private volatile long lastWarning;

    OtlpExporter(ExporterSettings.Otlp settings, String serviceName, Map<String, String> resourceAttributes) {
        SDK_LOG.setLevel(Level.OFF);
        this.resourceAttributes = Map.copyOf(resourceAttributes);
        AttributesBuilder attributes = Attributes.builder().put("service.name", serviceName);
        resourceAttributes.forEach(attributes::put);
        this.resource = Resource.create(attributes.build());
        this.timeout = settings.timeout();
        byte[] certificate = settings.certificate().map(OtlpExporter::read).orElse(null);
        String compression = settings.gzip() ? "gzip" : "none";
        if (settings.protocol() == ExporterSettings.OtlpProtocol.GRPC) {
            OtlpGrpcSpanExporterBuilder builder = OtlpGrpcSpanExporter.builder()
                    .setEndpoint(settings.endpoint().toString()).setTimeout(timeout).setCompression(compression);
            settings.headers().forEach(builder::addHeader);
            if (certificate != null) {
                builder.setTrustedCertificates(certificate);
            }
            this.exporter = builder.build();
        } else {
            OtlpHttpSpanExporterBuilder builder = OtlpHttpSpanExporter.builder()
                    .setEndpoint(settings.endpoint().toString()).setTimeout(timeout).setCompression(compression);
            settings.headers().forEach(builder::addHeader);
            if (certificate != null) {
                builder.setTrustedCertificates(certificate);
            }
            this.exporter = builder.build();
        }
    }

    private static byte[] read(java.nio.file.Path file) {
        try {
            return java.nio.file.Files.readAllBytes(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read the OTLP certificate " + file, e);
        }
    }

    @Override
    void exportBatch(List<SpanData> spans) {
        List<io.opentelemetry.sdk.trace.data.SpanData> converted = new ArrayList<>(spans.size());
        for (SpanData span : spans) {
            converted.add(convert(span));
        }
        CompletableResultCode result = exporter.export(converted).join(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        if (!result.isSuccess()) {
            long failed = failedSpans.addAndGet(converted.size());
            long now = System.nanoTime();
            if (lastWarning == 0 || now - lastWarning > TimeUnit.MINUTES.toNanos(1)) {
                lastWarning = now;
                Throwable why = result.getFailureThrowable();
                LOG.warn("could not export {} spans over OTLP ({} lost so far): {}", converted.size(), failed,
                        why == null ? (result.isDone() ? "the collector refused them" : "timed out") : why.toString());
            }
        }
    }

    @Override
    public void close() {
        exporter.shutdown().join(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    io.opentelemetry.sdk.trace.data.SpanData convert(SpanData span) {
        TraceFlags flags = span.getContext().getTraceOptions().isSampled() ? TraceFlags.getSampled() : TraceFlags.getDefault();
        String traceId = span.getContext().getTraceId().toLowerBase16();
        SpanContext context = SpanContext.create(traceId, span.getContext().getSpanId().toLowerBase16(), flags,
                TraceState.getDefault());
        SpanContext parent = span.getParentSpanId() == null || !span.getParentSpanId().isValid() ? SpanContext.getInvalid()
                : Boolean.TRUE.equals(span.getHasRemoteParent())
                        ? SpanContext.createFromRemoteParent(traceId, span.getParentSpanId().toLowerBase16(), flags,
                                TraceState.getDefault())
                        : SpanContext.create(traceId, span.getParentSpanId().toLowerBase16(), flags, TraceState.getDefault());
        AttributesBuilder attributes = Attributes.builder();
        span.getAttributes().getAttributeMap().forEach((key, value) -> {
            if (!"service.name".equals(key) && !value.equals(AttributeValue.stringAttributeValue(
                    resourceAttributes.getOrDefault(key, "\0")))) {
                put(attributes, key, value);
            }
        });
        List<EventData> events = new ArrayList<>();
        for (SpanData.TimedEvent<io.opencensus.trace.Annotation> e : span.getAnnotations().getEvents()) {
            events.add(EventData.create(nanos(e.getTimestamp()), e.getEvent().getDescription(),
                    attributes(e.getEvent().getAttributes())));
        }
        List<LinkData> links = new ArrayList<>();
        for (Link link : span.getLinks().getLinks()) {
            links.add(LinkData.create(SpanContext.create(link.getTraceId().toLowerBase16(), link.getSpanId().toLowerBase16(),
                    TraceFlags.getSampled(), TraceState.getDefault()), attributes(link.getAttributes())));
        }
        io.opencensus.trace.Status status = span.getStatus();
        StatusData statusData = status == null || status.isOk() ? StatusData.unset()
                : StatusData.create(StatusCode.ERROR, status.getDescription() == null
                        ? status.getCanonicalCode().name() : status.getCanonicalCode().name() + ": " + status.getDescription());
        SpanKind kind = span.getKind() == io.opencensus.trace.Span.Kind.SERVER ? SpanKind.SERVER
                : span.getKind() == io.opencensus.trace.Span.Kind.CLIENT ? SpanKind.CLIENT : SpanKind.INTERNAL;
        long end = span.getEndTimestamp() == null ? nanos(span.getStartTimestamp()) : nanos(span.getEndTimestamp());
        return new Converted(span.getName(), kind, context, parent, statusData, nanos(span.getStartTimestamp()), end,
                attributes.build(), events, links, span.getAttributes().getDroppedAttributesCount(), resource);
    }

    private static Attributes attributes(Map<String, AttributeValue> values) {
        AttributesBuilder attributes = Attributes.builder();
        values.forEach((key, value) -> put(attributes, key, value));
        return attributes.build();
    }

    private static void put(AttributesBuilder attributes, String key, AttributeValue value) {
        value.match(s -> attributes.put(key, s), b -> attributes.put(key, b), l -> attributes.put(key, l),
                d -> attributes.put(AttributeKey.doubleKey(key), d), other -> attributes.put(key, String.valueOf(other)));
    }

    private static long nanos(Timestamp t) {
        return TimeUnit.SECONDS.toNanos(t.getSeconds()) + t.getNanos();
    }

    /** One converted span. */
    private record Converted(String name, SpanKind kind, SpanContext context, SpanContext parent, StatusData status,
            long start, long end, Attributes attributes, List<EventData> events, List<LinkData> links,
            int droppedAttributes, Resource resource) implements io.opentelemetry.sdk.trace.data.SpanData {

        @Override
        public String getName() {
            return name;
        }

        @Override
        public SpanKind getKind() {
            return kind;
        }

        @Override
        public SpanContext getSpanContext() {
            return context;
        }

        @Override
        public SpanContext getParentSpanContext() {
            return parent;
        }

        @Override
        public StatusData getStatus() {
            return status;
        }

        @Override
        public long getStartEpochNanos() {
            return start;
        }

        @Override
        public Attributes getAttributes() {
            return attributes;
        }

        @Override
        public List<EventData> getEvents() {
            return events;
        }

        @Override
        public List<LinkData> getLinks() {
            return links;
        }

        @Override
        public long getEndEpochNanos() {
            return end;
        }

        @Override
        public boolean hasEnded() {
            return true;
        }

        @Override
        public int getTotalRecordedEvents() {
            return events.size();
        }

        @Override
        public int getTotalRecordedLinks() {
            return links.size();
        }

        @Override
        public int getTotalAttributeCount() {
            return attributes.size() + droppedAttributes;
        }

        @Override
        @SuppressWarnings("deprecation")
        public InstrumentationLibraryInfo getInstrumentationLibraryInfo() {
            return InstrumentationLibraryInfo.create(SCOPE.getName(), null);
        }

        @Override
        public InstrumentationScopeInfo getInstrumentationScopeInfo() {
            return SCOPE;
        }

        @Override
        public Resource getResource() {
            return resource;
        }
    }
}
