package dev.vkubelet.tracing.exporters;

import io.jaegertracing.thrift.internal.senders.HttpSender;
import io.jaegertracing.thrift.internal.senders.ThriftSender;
import io.jaegertracing.thrift.internal.senders.UdpSender;
import io.opencensus.exporter.trace.jaeger.JaegerExporterConfiguration;
import io.opencensus.exporter.trace.jaeger.JaegerTraceExporter;
import io.opencensus.exporter.trace.zipkin.ZipkinExporterConfiguration;
import io.opencensus.exporter.trace.zipkin.ZipkinTraceExporter;
import io.opencensus.trace.Tracing;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts trace exporters from their checked {@link ExporterSettings}, and stops them. */
public final class TraceExporters implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TraceExporters.class);
    private static final String FILE_HANDLER = "vk-file";
    private static final String OTLP_HANDLER = "vk-otlp";
    private static final Duration FILE_FLUSH = Duration.ofSeconds(15);

    private final List<AutoCloseable> running;

    private TraceExporters(List<AutoCloseable> running) {
        this.running = running;
    }

    /** Starts the exporters without process-wide tags ({@link #start(List, String, Map)}). */
    public static TraceExporters start(List<ExporterSettings> exporters, String serviceName) throws IOException {
        return start(exporters, serviceName, Map.of());
    }

    /**
     * Starts the exporters; {@link #close()} stops them. Nothing stays started if one fails.
     *
     * @param tags the process-wide tags (also on every span): OTLP sends them as resource attributes
     */
    public static TraceExporters start(List<ExporterSettings> exporters, String serviceName, Map<String, String> tags)
            throws IOException {
        List<AutoCloseable> running = new ArrayList<>();
        try {
            for (ExporterSettings exporter : exporters) {
                running.add(exporter instanceof ExporterSettings.Otlp otlp ? startOtlp(otlp, serviceName, tags)
                        : start(exporter, serviceName));
            }
        } catch (IOException | RuntimeException e) {
            new TraceExporters(running).close();
            throw e;
        }
        return new TraceExporters(running);
    }

    private static AutoCloseable start(ExporterSettings exporter, String serviceName) throws IOException {
        if (exporter instanceof ExporterSettings.Jaeger jaeger) {
            return startJaeger(jaeger, serviceName);
        }
        if (exporter instanceof ExporterSettings.ZPages zpages) {
            return startZPages(zpages.address());
        }
        if (exporter instanceof ExporterSettings.Zipkin zipkin) {
            return startZipkin(zipkin.endpoint(), serviceName);
        }
        return startFile(((ExporterSettings.SpanFile) exporter).path());
    }

    private static AutoCloseable startJaeger(ExporterSettings.Jaeger settings, String serviceName) {
        ThriftSender sender;
        if (settings.collector().isPresent()) {
            URI collector = settings.collector().get();
            String endpoint = collector.toString();
            if (collector.getPath() == null || collector.getPath().isEmpty() || collector.getPath().equals("/")) {
                endpoint = endpoint.replaceAll("/$", "") + "/api/traces";
            }
            HttpSender.Builder builder = new HttpSender.Builder(endpoint);
            if (settings.user().isPresent()) {
                builder.withAuth(settings.user().get(), settings.password().orElseThrow());
            }
            sender = builder.build();
            LOG.info("exporting traces to the Jaeger collector at {}", endpoint);
        } else {
            InetSocketAddress agent = settings.agent().orElseThrow();
            sender = new UdpSender(agent.getHostString(), agent.getPort(), 0);
            LOG.info("exporting traces to the Jaeger agent at {}:{}", agent.getHostString(), agent.getPort());
        }
        JaegerTraceExporter.createAndRegister(JaegerExporterConfiguration.builder()
                .setServiceName(serviceName).setThriftSender(sender).build());
        return JaegerTraceExporter::unregister;
    }

    private static AutoCloseable startZPages(InetSocketAddress address) throws IOException {
        ZPagesServer server = new ZPagesServer(address);
        LOG.info("serving zPages at http://{}:{}/debug/tracez", address.getHostString(), server.address().getPort());
        return server;
    }

    private static AutoCloseable startZipkin(URI endpoint, String serviceName) {
        ZipkinTraceExporter.createAndRegister(ZipkinExporterConfiguration.builder().setV2Url(endpoint.toString())
                .setServiceName(serviceName).build());
        LOG.info("exporting traces to Zipkin at {}", endpoint);
        return ZipkinTraceExporter::unregister;
    }

    private static AutoCloseable startOtlp(ExporterSettings.Otlp settings, String serviceName, Map<String, String> tags) {
        OtlpExporter exporter = new OtlpExporter(settings, serviceName, tags);
        Tracing.getExportComponent().getSpanExporter().registerHandler(OTLP_HANDLER, exporter);
        LOG.info("exporting traces over OTLP ({}) to {}", settings.protocol().text, settings.endpoint());
        return () -> {
            if (!exporter.awaitFlush(FILE_FLUSH)) {
                LOG.warn("the last spans were not sent over OTLP within {} s; they are lost", FILE_FLUSH.toSeconds());
            }
            Tracing.getExportComponent().getSpanExporter().unregisterHandler(OTLP_HANDLER);
            exporter.close();
        };
    }

    private static AutoCloseable startFile(Path file) throws IOException {
        FileSpanExporter exporter = new FileSpanExporter(file);
        Tracing.getExportComponent().getSpanExporter().registerHandler(FILE_HANDLER, exporter);
        LOG.info("writing traces to {}", file.toAbsolutePath());
        return () -> {
            if (!exporter.awaitFlush(FILE_FLUSH)) {
                LOG.warn("the last spans did not reach {} within {} s; they are lost", file, FILE_FLUSH.toSeconds());
            }
            Tracing.getExportComponent().getSpanExporter().unregisterHandler(FILE_HANDLER);
            exporter.close();
        };
    }

    /**
     * Stops every exporter; the file exporter first waits until the spans already ended are written
     * (OpenCensus hands spans to exporters about every 5 s). Idempotent.
     */
    @Override
    public synchronized void close() {
        for (AutoCloseable exporter : running) {
            try {
                exporter.close();
            } catch (Exception e) {
                LOG.warn("stopping a trace exporter failed: {}", e.toString());
            }
        }
        running.clear();
    }
}
