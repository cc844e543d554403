package dev.vkubelet.tracing.exporters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.sun.net.httpserver.HttpServer;
import dev.vkubelet.tracing.Granularity;
import dev.vkubelet.tracing.Span;
import dev.vkubelet.tracing.SpanStatus;
import dev.vkubelet.tracing.Tracer;
import dev.vkubelet.tracing.opencensus.OpenCensusTracing;
import dev.vkubelet.tracing.opencensus.TracingConfig;
import io.jaegertracing.thriftjava.Batch;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.thrift.TDeserializer;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TCompactProtocol;
import org.apache.thrift.transport.TMemoryInputTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exporters against real receivers on loopback: a Jaeger collector (HTTP Thrift) and agent (UDP
 * compact Thrift) decoded with the Thrift classes the exporter brings, the zPages server, the file.
 * OpenCensus hands spans to exporters in batches about every 5 s, so each test waits for them.
 */
class TraceExportersTest {

    private static final long EXPORT_WAIT_SECONDS = 30;

    @TempDir
    Path dir;

    private static Tracer tracer(double rate, Map<String, String> tags) {
        return OpenCensusTracing.configure(new TracingConfig("vk-export-test", tags, OptionalDouble.of(rate),
                List.of(), Granularity.NORMAL));
    }

    private static TraceExporters start(List<String> names, Map<String, String> env, String service)
            throws IOException {
        return TraceExporters.start(ExporterSettings.parse(names, env, warning -> {}), service);
    }

    private static List<ExporterSettings> parse(List<String> names, Map<String, String> env) {
        return ExporterSettings.parse(names, env, warning -> {});
    }

    private static String[] traceOfParentAndChild(Tracer tracer, String prefix) {
        try (Span parent = tracer.startSpan(prefix + ".host")) {
            parent.attribute("pod", "default/web");
            try (Span child = tracer.startSpan(prefix + ".plugin", Granularity.NORMAL)) {
                child.setStatus(SpanStatus.NOT_FOUND, "no such pod");
                return new String[] {parent.traceId(), parent.spanId(), child.spanId()};
            }
        }
    }

    @Test
    void closingTheFileExporterWritesTheSpansThatEndedJustBefore() throws Exception {
        Path file = dir.resolve("flush/spans.jsonl");
        String[] ids;
        try (TraceExporters exporters = start(List.of("file"), Map.of("VK_TRACE_FILE", file.toString()),
                "vk-test")) {
            ids = traceOfParentAndChild(tracer(100, Map.of()), "flush");
        }
        String written = Files.readString(file);
        assertTrue(written.contains(ids[0]) && written.contains("\"flush.plugin\""),
                "spans ended right before close are in the file: " + written);
        assertTrue(!written.contains(FlushingExporter.MARKER), "the flush marker is never written");
    }

    @Test
    @SuppressWarnings("unchecked")
    void fileExporterWritesOneJsonSpanPerLineWithParentLinks() throws Exception {
        Path file = dir.resolve("traces/spans.jsonl");
        try (TraceExporters exporters = start(List.of("file"), Map.of("VK_TRACE_FILE", file.toString()),
                "svc")) {
            String[] ids = traceOfParentAndChild(tracer(100, Map.of("env", "test")), "file");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(EXPORT_WAIT_SECONDS);
            List<Map<String, Object>> spans = List.of();
            while (System.nanoTime() < deadline) {
                if (Files.exists(file)) {
                    spans = Files.readAllLines(file).stream().map(l -> (Map<String, Object>) new Gson()
                            .fromJson(l, Map.class)).filter(m -> ids[0].equals(m.get("traceId"))).toList();
                    if (spans.size() == 2) {
                        break;
                    }
                }
                Thread.sleep(100);
            }
            assertEquals(2, spans.size(), "spans of the trace in " + file);
            Map<String, Object> child = spans.stream().filter(s -> "file.plugin".equals(s.get("name"))).findFirst()
                    .orElseThrow();
            Map<String, Object> parent = spans.stream().filter(s -> "file.host".equals(s.get("name"))).findFirst()
                    .orElseThrow();
            assertEquals(ids[1], child.get("parentSpanId"));
            assertEquals(ids[2], child.get("spanId"));
            assertEquals("NOT_FOUND", ((Map<String, Object>) child.get("status")).get("code"));
            assertEquals("default/web", ((Map<String, Object>) parent.get("attributes")).get("pod"));
            assertEquals("test", ((Map<String, Object>) parent.get("attributes")).get("env"));
            assertTrue(((String) parent.get("start")).endsWith("Z"));
        }
    }

    @Test
    void theFileExporterWritesASpansLinksToOtherTraces() throws Exception {
        Path file = dir.resolve("links/spans.jsonl");
        Tracer tracer = tracer(100, Map.of());
        String kept;
        String pod;
        String loopTrace;
        try (TraceExporters exporters = start(List.of("file"), Map.of("VK_TRACE_FILE", file.toString()), "svc")) {
            try (Span create = tracer.startSpan("links.create")) {
                kept = tracer.currentContext().orElseThrow();
                pod = create.traceId();
            }
            try (Span loop = tracer.startSpan("links.poll")) {
                loop.link(kept).link("not-a-traceparent");
                loopTrace = loop.traceId();
            }
        }
        String line = Files.readAllLines(file).stream().filter(l -> l.contains("\"links.poll\"")).findFirst()
                .orElseThrow();
        @SuppressWarnings("unchecked")
        Map<String, Object> span = new Gson().fromJson(line, Map.class);
        assertEquals(loopTrace, span.get("traceId"));
        assertEquals(List.of(Map.of("traceId", pod, "spanId", kept.split("-")[2])), span.get("links"),
                "one link, the malformed one ignored");
    }

    @Test
    void zpagesServeTracezWithFinishedAndRunningSpans() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        try (TraceExporters exporters = start(List.of("zpages"),
                Map.of("ZPAGES_PORT", "127.0.0.1:" + port), "svc")) {
            Tracer tracer = tracer(100, Map.of());
            try (Span done = tracer.startSpan("zpages.finished")) {
                done.annotate("finished");
            }
            Span running = tracer.startSpan("zpages.running");
            try {
                HttpClient http = HttpClient.newHttpClient();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(EXPORT_WAIT_SECONDS);
                String body = "";
                while (System.nanoTime() < deadline) {
                    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/debug/tracez")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, response.statusCode());
                    body = response.body();
                    if (body.contains("zpages.finished") && body.contains("zpages.running")) {
                        break;
                    }
                    Thread.sleep(100);
                }
                assertTrue(body.contains("zpages.finished"), body);
                assertTrue(body.contains("zpages.running"), "running span not listed");
                HttpResponse<String> config = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/debug/traceconfigz")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, config.statusCode());
            } finally {
                running.close();
            }
        }
    }

    @Test
    void zpagesListenOnLoopbackUnlessAnAddressIsNamed() {
        assertTrue(ExporterSettings.EnvironmentValues.zpagesAddress(Map.of("ZPAGES_PORT", ":8080")).getAddress().isLoopbackAddress());
        assertEquals(8080, ExporterSettings.EnvironmentValues.zpagesAddress(Map.of("ZPAGES_PORT", ":8080")).getPort());
        assertTrue(ExporterSettings.EnvironmentValues.zpagesAddress(Map.of("ZPAGES_PORT", "0.0.0.0:8080")).getAddress()
                .isAnyLocalAddress());
    }

    @Test
    void traceconfigzCannotChangeSamplingThroughAGet() throws Exception {
        io.opencensus.trace.config.TraceConfig config = io.opencensus.trace.Tracing.getTraceConfig();
        io.opencensus.trace.config.TraceParams before = config.getActiveTraceParams();
        config.updateActiveTraceParams(before.toBuilder().setSampler(
                io.opencensus.trace.samplers.Samplers.alwaysSample()).build());
        try {
            // the query OpenCensus' own page acts on: it does restore the defaults when called directly
            Map<String, String> restore = Map.of("change", "restore_default");
            io.opencensus.contrib.zpages.ZPageHandlers.getTraceConfigzZPageHandler().emitHtml(restore,
                    new java.io.ByteArrayOutputStream());
            assertTrue(!config.getActiveTraceParams().getSampler().equals(
                    io.opencensus.trace.samplers.Samplers.alwaysSample()), "the query changes nothing: test is void");
            config.updateActiveTraceParams(before.toBuilder().setSampler(
                    io.opencensus.trace.samplers.Samplers.alwaysSample()).build());
            int port;
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = socket.getLocalPort();
            }
            try (TraceExporters exporters = start(List.of("zpages"),
                    Map.of("ZPAGES_PORT", ":" + port), "svc")) {
                HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + port + "/debug/traceconfigz?change=restore_default")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, page.statusCode());
                assertEquals(io.opencensus.trace.samplers.Samplers.alwaysSample(),
                        config.getActiveTraceParams().getSampler(), "a GET changed the sampler");
            }
        } finally {
            config.updateActiveTraceParams(before);
        }
    }

    @Test
    void jaegerCollectorGetsThriftBatchesWithServiceTagsParentsAndBasicAuth() throws Exception {
        // Jaeger's HttpSender was built for OkHttp 3; the host ships client-java's OkHttp 5 instead, and
        // this test runs the sender on that one: a change of OkHttp's major version must come here first
        String okhttp = okhttp3.OkHttp.VERSION;
        assertTrue(okhttp.startsWith("5."), "the Jaeger sender is tested on OkHttp " + okhttp + ", not the host's 5");
        assertEquals(okhttp3.OkHttpClient.class.getProtectionDomain().getCodeSource(),
                io.jaegertracing.thrift.internal.senders.HttpSender.class.getClassLoader()
                        .loadClass("okhttp3.OkHttpClient").getProtectionDomain().getCodeSource(),
                "the sender sees another OkHttp than the host's");
        BlockingQueue<byte[]> bodies = new LinkedBlockingQueue<>();
        BlockingQueue<String> auth = new LinkedBlockingQueue<>();
        HttpServer collector = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        collector.createContext("/api/traces", exchange -> {
            auth.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            bodies.add(exchange.getRequestBody().readAllBytes());
            exchange.sendResponseHeaders(202, -1);
            exchange.close();
        });
        collector.start();
        try (TraceExporters exporters = start(List.of("jaeger"), Map.of(
                "JAEGER_ENDPOINT", "http://127.0.0.1:" + collector.getAddress().getPort(),
                "JAEGER_USER", "vk", "JAEGER_PASSWORD", "s3cret"), "vk-jaeger-test")) {
            String[] ids = traceOfParentAndChild(tracer(100, Map.of("region", "local")), "jaeger");
            Batch batch = awaitBatch(bodies, ids[0], new TBinaryProtocol.Factory());
            assertEquals("vk-jaeger-test", batch.getProcess().getServiceName());
            io.jaegertracing.thriftjava.Span child = find(batch, "jaeger.plugin");
            io.jaegertracing.thriftjava.Span parent = find(batch, "jaeger.host");
            assertEquals(Long.parseUnsignedLong(ids[1], 16), child.getParentSpanId());
            assertTrue(parent.getTags().stream().anyMatch(t -> "region".equals(t.getKey())
                    && "local".equals(t.getVStr())), String.valueOf(parent.getTags()));
            assertEquals("Basic " + Base64.getEncoder().encodeToString("vk:s3cret".getBytes(StandardCharsets.UTF_8)),
                    auth.poll(1, TimeUnit.SECONDS));
        } finally {
            collector.stop(0);
        }
    }

    @Test
    void jaegerAgentGetsCompactThriftOverUdp() throws Exception {
        try (DatagramSocket agent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            agent.setSoTimeout((int) TimeUnit.SECONDS.toMillis(EXPORT_WAIT_SECONDS));
            BlockingQueue<byte[]> packets = new LinkedBlockingQueue<>();
            Thread receiver = new Thread(() -> {
                byte[] buffer = new byte[65_000];
                while (!agent.isClosed()) {
                    try {
                        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                        agent.receive(packet);
                        packets.add(Arrays.copyOf(packet.getData(), packet.getLength()));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            receiver.setDaemon(true);
            receiver.start();
            try (TraceExporters exporters = start(List.of("jaeger"),
                    Map.of("JAEGER_AGENT_ENDPOINT", "127.0.0.1:" + agent.getLocalPort()), "vk-udp-test")) {
                String[] ids = traceOfParentAndChild(tracer(100, Map.of()), "udp");
                Batch batch = awaitBatch(packets, ids[0], null);
                assertEquals("vk-udp-test", batch.getProcess().getServiceName());
                assertEquals(Long.parseUnsignedLong(ids[1], 16), find(batch, "udp.plugin").getParentSpanId());
            }
        }
    }

    @Test
    void zipkinReceivesV2JsonSpans() throws Exception {
        BlockingQueue<String> bodies = new LinkedBlockingQueue<>();
        HttpServer zipkin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        zipkin.createContext("/api/v2/spans", exchange -> {
            java.io.InputStream body = exchange.getRequestBody();
            if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                body = new java.util.zip.GZIPInputStream(body);
            }
            bodies.add(new String(body.readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(202, -1);
            exchange.close();
        });
        zipkin.start();
        try (TraceExporters exporters = start(List.of("zipkin"), Map.of("ZIPKIN_ENDPOINT",
                "http://127.0.0.1:" + zipkin.getAddress().getPort() + "/api/v2/spans"), "vk-zipkin-test")) {
            String[] ids = traceOfParentAndChild(tracer(100, Map.of()), "zipkin");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(EXPORT_WAIT_SECONDS);
            String found = null;
            while (found == null && System.nanoTime() < deadline) {
                String body = bodies.poll(500, TimeUnit.MILLISECONDS);
                if (body != null && body.contains(ids[0]) && body.contains("zipkin.plugin")) {
                    found = body;
                }
            }
            assertTrue(found != null, "no Zipkin POST with trace " + ids[0]);
            assertTrue(found.contains("\"parentId\":\"" + ids[1] + "\""), found);
            assertTrue(found.contains("vk-zipkin-test"), found);
        } finally {
            zipkin.stop(0);
        }
    }

    @Test
    void sampleRateZeroExportsNothing() throws Exception {
        Path file = dir.resolve("none.jsonl");
        try (TraceExporters exporters = start(List.of("file"), Map.of("VK_TRACE_FILE", file.toString()),
                "svc")) {
            Tracer never = tracer(0, Map.of());
            for (int i = 0; i < 50; i++) {
                traceOfParentAndChild(never, "never");
            }
            Tracer always = tracer(100, Map.of());
            String[] marker = traceOfParentAndChild(always, "marker");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(EXPORT_WAIT_SECONDS);
            while (System.nanoTime() < deadline
                    && !(Files.exists(file) && Files.readString(file).contains(marker[0]))) {
                Thread.sleep(100);
            }
            String written = Files.readString(file);
            assertTrue(written.contains(marker[0]), "the sampled trace was not exported");
            assertTrue(!written.contains("never.host"), "a trace sampled at 0 was exported");
        }
    }

    @Test
    void atNeverClosingAnExporterSendsNoFlushMarkerThatOtherExportersWouldShow() throws Exception {
        java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        io.opencensus.trace.export.SpanExporter.Handler recorder = new io.opencensus.trace.export.SpanExporter.Handler() {
            @Override
            public void export(java.util.Collection<io.opencensus.trace.export.SpanData> spans) {
                spans.forEach(span -> seen.add(span.getName()));
            }
        };
        io.opencensus.trace.Tracing.getExportComponent().getSpanExporter().registerHandler("test-recorder", recorder);
        try {
            tracer(0, Map.of());
            Path file = dir.resolve("never-flush.jsonl");
            start(List.of("file"), Map.of("VK_TRACE_FILE", file.toString()), "svc").close();
            // a canary through the same queue: once it arrives, a marker sent before it would have too
            io.opencensus.trace.Tracing.getTracer().spanBuilderWithExplicitParent("test.canary", null)
                    .setSampler(io.opencensus.trace.samplers.Samplers.alwaysSample()).startSpan().end();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(EXPORT_WAIT_SECONDS);
            while (System.nanoTime() < deadline && !seen.contains("test.canary")) {
                Thread.sleep(50);
            }
            assertTrue(seen.contains("test.canary"), "the canary did not arrive");
            assertTrue(!seen.contains(FlushingExporter.MARKER), "a flush marker was sent at never: " + seen);
        } finally {
            io.opencensus.trace.Tracing.getExportComponent().getSpanExporter().unregisterHandler("test-recorder");
        }
    }

    @Test
    void missingSettingsAndUnknownNamesAreOneLineErrors() {
        IllegalArgumentException jaeger = assertThrows(IllegalArgumentException.class,
                () -> parse(List.of("jaeger"), Map.of()));
        assertTrue(jaeger.getMessage().contains("JAEGER_ENDPOINT") && jaeger.getMessage().contains("JAEGER_AGENT_ENDPOINT"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse(List.of("zpages"),
                Map.of())).getMessage().contains("ZPAGES_PORT"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse(List.of("zipkin"),
                Map.of())).getMessage().contains("ZIPKIN_ENDPOINT"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse(List.of("file"),
                Map.of())).getMessage().contains("VK_TRACE_FILE"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse(List.of("jaeger"),
                Map.of("JAEGER_ENDPOINT", "localhost:14268"))).getMessage().contains("not an http(s) URL"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse(List.of("jaeger"),
                Map.of("JAEGER_ENDPOINT", "http://x", "JAEGER_USER", "u"))).getMessage()
                .contains("JAEGER_PASSWORD"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse(List.of("ocagent"),
                Map.of())).getMessage().contains("unknown trace exporter"));
        parse(List.of("jaeger"), Map.of("JAEGER_COLLECTOR_ENDPOINT", "http://localhost:14268"));
    }

    @Test
    void namesAreReadOnceIntoTypedSettingsInFirstSeenOrder() {
        List<String> warnings = new java.util.ArrayList<>();
        List<ExporterSettings> settings = ExporterSettings.parse(List.of("file, zipkin", "jaeger", "file"), Map.of(
                "VK_TRACE_FILE", "/tmp/spans.jsonl", "ZIPKIN_ENDPOINT", "http://localhost:9411/api/v2/spans",
                "JAGER_AGENT_ENDPOINT", "localhost:6831", "JAEGER_USER", "u", "JAEGER_PASSWORD", "secret-pw"),
                warnings::add);
        assertEquals(List.of("file", "zipkin", "jaeger"), settings.stream().map(ExporterSettings::name).toList());
        assertEquals(new ExporterSettings.SpanFile(Path.of("/tmp/spans.jsonl")), settings.get(0));
        assertEquals(URI.create("http://localhost:9411/api/v2/spans"),
                ((ExporterSettings.Zipkin) settings.get(1)).endpoint());
        ExporterSettings.Jaeger jaeger = (ExporterSettings.Jaeger) settings.get(2);
        assertEquals(6831, jaeger.agent().orElseThrow().getPort());
        assertTrue(jaeger.collector().isEmpty());
        assertEquals(1, warnings.size(), "the misspelt variable is accepted with one warning: " + warnings);
        assertTrue(!jaeger.toString().contains("secret-pw"), "settings print without the password: " + jaeger);
        assertEquals(List.of(), ExporterSettings.parse(List.of(), Map.of("VK_TRACE_FILE", "x"), w -> {}));

        warnings.clear();
        ExporterSettings.Jaeger spelt = (ExporterSettings.Jaeger) ExporterSettings.parse(List.of("jaeger"),
                Map.of("JAEGER_AGENT_ENDPOINT", "agent.example:6832"), warnings::add).get(0);
        assertEquals("agent.example", spelt.agent().orElseThrow().getHostString());
        assertEquals(6832, spelt.agent().orElseThrow().getPort());
        assertEquals(List.of(), warnings, "the documented name warns of nothing");
    }

    private static io.jaegertracing.thriftjava.Span find(Batch batch, String name) {
        return batch.getSpans().stream().filter(s -> name.equals(s.getOperationName())).findFirst()
                .orElseThrow(() -> new AssertionError("no span " + name + " in " + batch));
    }

    /** Decodes received payloads until one holds spans of {@code traceId}; compact UDP when factory is null. */
    private static Batch awaitBatch(BlockingQueue<byte[]> payloads, String traceId,
            TBinaryProtocol.Factory binary) throws Exception {
        long low = Long.parseUnsignedLong(traceId.substring(16), 16);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(EXPORT_WAIT_SECONDS);
        while (System.nanoTime() < deadline) {
            byte[] payload = payloads.poll(500, TimeUnit.MILLISECONDS);
            if (payload == null) {
                continue;
            }
            Batch batch = new Batch();
            if (binary != null) {
                new TDeserializer(binary).deserialize(batch, payload);
            } else {
                TCompactProtocol protocol = new TCompactProtocol(new TMemoryInputTransport(payload));
                protocol.readMessageBegin();
                io.jaegertracing.agent.thrift.Agent.emitBatch_args args = new io.jaegertracing.agent.thrift.Agent.emitBatch_args();
                args.read(protocol);
                batch = args.getBatch();
            }
            if (batch.getSpans().stream().anyMatch(s -> s.getTraceIdLow() == low)
                    && batch.getSpans().stream().filter(s -> s.getTraceIdLow() == low).count() >= 2) {
                return batch;
            }
        }
        throw new AssertionError("no Jaeger batch with trace " + traceId);
    }
}
