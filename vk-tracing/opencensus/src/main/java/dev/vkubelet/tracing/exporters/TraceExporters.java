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
    private static final Duration FLUSH_WAIT = Duration.ofSeconds(15);

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
        LOG.info("exporting traces over OTLP ({}) to {}", settings.protocol().text, settings.endpoint());
        return register(OTLP_HANDLER, new OtlpExporter(settings, serviceName, tags), "sent over OTLP");
    }

    private static AutoCloseable startFile(Path file) throws IOException {
        LOG.info("writing traces to {}", file.toAbsolutePath());
        return register(FILE_HANDLER, new FileSpanExporter(file), "written to " + file);
    }

    /**
     * Registers {@code exporter}; closing the result first waits until the spans ended before are
     * {@code done} (up to {@link #FLUSH_WAIT}), then unregisters and closes it.
     */
    private static AutoCloseable register(String handler, FlushingExporter exporter, String done) {
        Tracing.getExportComponent().getSpanExporter().registerHandler(handler, exporter);
        return () -> {
            if (!exporter.awaitFlush(FLUSH_WAIT)) {
                LOG.warn("the last spans were not {} within {} s; they are lost", done, FLUSH_WAIT.toSeconds());
            }
            Tracing.getExportComponent().getSpanExporter().unregisterHandler(handler);
            exporter.close();
        };
    }

    /**
     * Stops every exporter; the file and OTLP exporters first wait until the spans already ended are
     * written or sent (OpenCensus hands spans to exporters about every 5 s). Idempotent.
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
