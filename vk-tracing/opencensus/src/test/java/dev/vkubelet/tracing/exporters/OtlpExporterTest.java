package dev.vkubelet.tracing.exporters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.vkubelet.tracing.Granularity;
import dev.vkubelet.tracing.Span;
import dev.vkubelet.tracing.SpanStatus;
import dev.vkubelet.tracing.Tracer;
import dev.vkubelet.tracing.opencensus.OpenCensusTracing;
import dev.vkubelet.tracing.opencensus.TracingConfig;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Status;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The OTLP exporter against an OTLP/HTTP receiver on loopback: what arrives is decoded with the
 * {@code opentelemetry-proto} classes (a collector's own), not with anything of the exporter's.
 */
class OtlpExporterTest {

    private static final long EXPORT_WAIT_SECONDS = 30;

    private HttpServer receiver;
    private final BlockingQueue<Received> requests = new LinkedBlockingQueue<>();

    private record Received(String path, String contentType, String authorization, String tenant,
            ExportTraceServiceRequest body, String encoding) {}

    @BeforeEach
    void startReceiver() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/", this::receive);
        receiver.start();
    }

    /** An OTLP/HTTP receiver's answer: decodes the request (gunzipped when it says gzip) and says OK. */
    private void receive(com.sun.net.httpserver.HttpExchange exchange) throws java.io.IOException {
        String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
        java.io.InputStream in = "gzip".equals(encoding) ? new java.util.zip.GZIPInputStream(exchange.getRequestBody())
                : exchange.getRequestBody();
        byte[] body = in.readAllBytes();
        requests.add(new Received(exchange.getRequestURI().getPath(),
                exchange.getRequestHeaders().getFirst("Content-Type"),
                exchange.getRequestHeaders().getFirst("Authorization"),
                exchange.getRequestHeaders().getFirst("X-Tenant"), ExportTraceServiceRequest.parseFrom(body), encoding));
        byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
        exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
        exchange.sendResponseHeaders(200, answer.length);
        exchange.getResponseBody().write(answer);
        exchange.close();
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop(0);
    }

    private String base() {
        return "http://127.0.0.1:" + receiver.getAddress().getPort();
    }

    private static Tracer tracer(Map<String, String> tags) {
        return OpenCensusTracing.configure(new TracingConfig("vk-otlp-test", tags, OptionalDouble.of(100),
                List.of(), Granularity.NORMAL));
    }

    private static String hex(com.google.protobuf.ByteString bytes) {
        return HexFormat.of().formatHex(bytes.toByteArray());
    }

    private static String attribute(List<KeyValue> attributes, String key) {
        return attributes.stream().filter(a -> a.getKey().equals(key)).map(KeyValue::getValue)
                .map(v -> v.hasStringValue() ? v.getStringValue() : v.hasIntValue() ? Long.toString(v.getIntValue())
                        : v.hasBoolValue() ? Boolean.toString(v.getBoolValue()) : v.toString())
                .findFirst().orElse(null);
    }

    /** The spans of trace {@code traceId} that arrive within the wait, with the request each came in. */
    private List<Map.Entry<Received, io.opentelemetry.proto.trace.v1.Span>> spansOf(String traceId, int count)
            throws InterruptedException {
        List<Map.Entry<Received, io.opentelemetry.proto.trace.v1.Span>> found = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(EXPORT_WAIT_SECONDS);
        while (found.size() < count) {
            Received request = requests.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (request == null) {
                break;
            }
            for (ResourceSpans resourceSpans : request.body().getResourceSpansList()) {
                resourceSpans.getScopeSpansList().forEach(scope -> scope.getSpansList().stream()
                        .filter(s -> hex(s.getTraceId()).equals(traceId)).forEach(s -> found.add(Map.entry(request, s))));
            }
        }
        return found;
    }

    @Test
    void spansArriveOverHttpProtobufWithParentsAttributesStatusAndTheResource() throws Exception {
        Map<String, String> env = Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", base(),
                "OTEL_EXPORTER_OTLP_HEADERS", "Authorization=Bearer%20s3cret,X-Tenant=blue");
        String traceId;
        String parentId;
        String childId;
        try (TraceExporters exporters = TraceExporters.start(ExporterSettings.parse(List.of("otlp"), env, w -> {}),
                "vk-otlp", Map.of("cluster", "dev", "node", "vk-0"))) {
            Tracer tracer = tracer(Map.of("cluster", "dev", "node", "vk-0"));
            try (Span parent = tracer.startSpan("otlp.host")) {
                parent.attribute("pod", "default/web").attribute("attempt", 2L).attribute("node", "vk-7")
                        .link("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
                parent.annotate("queued");
                try (Span child = tracer.startSpan("otlp.plugin", Granularity.NORMAL)) {
                    child.setStatus(SpanStatus.NOT_FOUND, "no such pod");
                    childId = child.spanId();
                }
                traceId = parent.traceId();
                parentId = parent.spanId();
            }
            List<Map.Entry<Received, io.opentelemetry.proto.trace.v1.Span>> spans = spansOf(traceId, 2);
            assertEquals(2, spans.size(), "spans of trace " + traceId + " received");
            Received request = spans.get(0).getKey();
            assertEquals("/v1/traces", request.path());
            assertEquals("application/x-protobuf", request.contentType());
            assertEquals(null, request.encoding(), "not compressed unless asked");
            assertEquals("Bearer s3cret", request.authorization(), "OTEL_EXPORTER_OTLP_HEADERS, percent-decoded");
            assertEquals("blue", request.tenant());
            Resource resource = request.body().getResourceSpans(0).getResource();
            assertEquals("vk-otlp", attribute(resource.getAttributesList(), "service.name"));
            assertEquals("dev", attribute(resource.getAttributesList(), "cluster"));
            assertEquals("vk-0", attribute(resource.getAttributesList(), "node"));
            io.opentelemetry.proto.trace.v1.Span host = spans.stream().map(Map.Entry::getValue)
                    .filter(s -> s.getName().equals("otlp.host")).findFirst().orElseThrow();
            io.opentelemetry.proto.trace.v1.Span plugin = spans.stream().map(Map.Entry::getValue)
                    .filter(s -> s.getName().equals("otlp.plugin")).findFirst().orElseThrow();
            assertEquals(parentId, hex(host.getSpanId()));
            assertTrue(host.getParentSpanId().isEmpty(), "the host span is a root");
            assertEquals(childId, hex(plugin.getSpanId()));
            assertEquals(parentId, hex(plugin.getParentSpanId()));
            assertEquals("default/web", attribute(host.getAttributesList(), "pod"));
            assertEquals("2", attribute(host.getAttributesList(), "attempt"));
            assertEquals("vk-7", attribute(host.getAttributesList(), "node"), "a span's own node stays on the span");
            assertEquals(null, attribute(host.getAttributesList(), "cluster"), "a resource attribute is not repeated");
            assertEquals(null, attribute(host.getAttributesList(), "service.name"));
            assertEquals("queued", host.getEvents(0).getName());
            assertEquals("0af7651916cd43dd8448eb211c80319c", hex(host.getLinks(0).getTraceId()));
            assertEquals("b7ad6b7169203331", hex(host.getLinks(0).getSpanId()));
            assertTrue(host.getEndTimeUnixNano() >= host.getStartTimeUnixNano() && host.getStartTimeUnixNano() > 0);
            assertEquals(Status.StatusCode.STATUS_CODE_ERROR, plugin.getStatus().getCode());
            assertEquals("NOT_FOUND: no such pod", plugin.getStatus().getMessage());
            assertEquals(Status.StatusCode.STATUS_CODE_UNSET, host.getStatus().getCode());
        }
    }

    @Test
    void closingSendsTheSpansThatEndedJustBeforeAndNeverTheFlushMarker() throws Exception {
        Map<String, String> env = Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", base() + "/custom/traces");
        String traceId;
        try (TraceExporters exporters = TraceExporters.start(ExporterSettings.parse(List.of("otlp"), env, w -> {}),
                "vk-otlp")) {
            try (Span span = tracer(Map.of()).startSpan("otlp.last")) {
                traceId = span.traceId();
            }
        }
        List<Received> all = new ArrayList<>();
        requests.drainTo(all);
        assertTrue(all.stream().allMatch(r -> r.path().equals("/custom/traces")), "a traces endpoint is used as given");
        List<String> names = all.stream().flatMap(r -> r.body().getResourceSpansList().stream())
                .flatMap(r -> r.getScopeSpansList().stream()).flatMap(s -> s.getSpansList().stream())
                .filter(s -> hex(s.getTraceId()).equals(traceId) || s.getName().equals(FlushingExporter.MARKER))
                .map(io.opentelemetry.proto.trace.v1.Span::getName).toList();
        assertEquals(List.of("otlp.last"), names, "sent by the time close returned");
    }

    @Test
    void spansArriveOverGrpcAsAnExportTraceServiceCall() throws Exception {
        try (mockwebserver3.MockWebServer collector = new mockwebserver3.MockWebServer()) {
            collector.setProtocols(List.of(okhttp3.Protocol.H2_PRIOR_KNOWLEDGE));
            // a gRPC answer: one empty ExportTraceServiceResponse message (5-byte frame header), status 0
            okio.Buffer empty = new okio.Buffer().write(new byte[5]);
            collector.setDispatcher(new mockwebserver3.Dispatcher() {
                @Override
                public mockwebserver3.MockResponse dispatch(mockwebserver3.RecordedRequest request) {
                    return new mockwebserver3.MockResponse.Builder().code(200).addHeader("Content-Type", "application/grpc")
                            .body(empty.clone()).trailers(okhttp3.Headers.of("grpc-status", "0")).build();
                }
            });
            collector.start(InetAddress.getLoopbackAddress(), 0);
            Map<String, String> env = Map.of("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc",
                    "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + collector.getPort(),
                    "OTEL_EXPORTER_OTLP_HEADERS", "X-Tenant=green");
            String traceId;
            try (TraceExporters exporters = TraceExporters.start(ExporterSettings.parse(List.of("otlp"), env, w -> {}),
                    "vk-grpc")) {
                try (Span span = tracer(Map.of()).startSpan("otlp.grpc")) {
                    traceId = span.traceId();
                }
            }
            List<String> names = new ArrayList<>();
            for (mockwebserver3.RecordedRequest request; (request = collector.takeRequest(1, TimeUnit.SECONDS)) != null; ) {
                assertEquals("/opentelemetry.proto.collector.trace.v1.TraceService/Export", request.getUrl().encodedPath());
                assertEquals("green", request.getHeaders().get("X-Tenant"));
                byte[] framed = request.getBody().toByteArray();
                assertEquals(0, framed[0], "an uncompressed gRPC message");
                ExportTraceServiceRequest body = ExportTraceServiceRequest.parseFrom(
                        java.util.Arrays.copyOfRange(framed, 5, framed.length));
                assertEquals("vk-grpc", attribute(body.getResourceSpans(0).getResource().getAttributesList(), "service.name"));
                body.getResourceSpansList().forEach(r -> r.getScopeSpansList().forEach(scope -> scope.getSpansList()
                        .stream().filter(x -> hex(x.getTraceId()).equals(traceId)).forEach(x -> names.add(x.getName()))));
            }
            assertEquals(List.of("otlp.grpc"), names);
        }
    }

    @Test
    void gzipCompressesTheExportsAndATrustedCertificateReachesATlsCollector(@org.junit.jupiter.api.io.TempDir
            java.nio.file.Path dir) throws Exception {
        String traceId;
        try (TraceExporters exporters = TraceExporters.start(ExporterSettings.parse(List.of("otlp"), Map.of(
                "OTEL_EXPORTER_OTLP_ENDPOINT", base(), "OTEL_EXPORTER_OTLP_COMPRESSION", "gzip",
                "OTEL_EXPORTER_OTLP_TIMEOUT", "3000"), w -> {}), "vk-gzip")) {
            try (Span span = tracer(Map.of()).startSpan("otlp.gzip")) {
                traceId = span.traceId();
            }
            List<Map.Entry<Received, io.opentelemetry.proto.trace.v1.Span>> spans = spansOf(traceId, 1);
            assertEquals(1, spans.size());
            assertEquals("gzip", spans.get(0).getKey().encoding());
        }
        // a collector behind TLS with a certificate of its own, trusted through OTEL_EXPORTER_OTLP_CERTIFICATE
        java.nio.file.Path keystore = dir.resolve("collector.p12");
        java.nio.file.Path pem = dir.resolve("collector.pem");
        String keytool = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(keytool, "-genkeypair", "-alias", "collector", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=127.0.0.1", "-ext", "san=ip:127.0.0.1", "-validity", "1", "-storetype", "PKCS12", "-keystore",
                keystore.toString(), "-storepass", "changeit");
        run(keytool, "-exportcert", "-rfc", "-alias", "collector", "-keystore", keystore.toString(), "-storepass",
                "changeit", "-file", pem.toString());
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(keystore)) {
            store.load(in, "changeit".toCharArray());
        }
        javax.net.ssl.KeyManagerFactory keys = javax.net.ssl.KeyManagerFactory.getInstance(
                javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, "changeit".toCharArray());
        javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
        tls.init(keys.getKeyManagers(), null, null);
        com.sun.net.httpserver.HttpsServer secure = com.sun.net.httpserver.HttpsServer.create(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        secure.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(tls));
        secure.createContext("/", this::receive);
        secure.start();
        try (TraceExporters exporters = TraceExporters.start(ExporterSettings.parse(List.of("otlp"), Map.of(
                "OTEL_EXPORTER_OTLP_ENDPOINT", "https://127.0.0.1:" + secure.getAddress().getPort(),
                "OTEL_EXPORTER_OTLP_CERTIFICATE", pem.toString()), w -> {}), "vk-tls")) {
            try (Span span = tracer(Map.of()).startSpan("otlp.tls")) {
                traceId = span.traceId();
            }
            assertEquals(1, spansOf(traceId, 1).size(), "no span over TLS");
        } finally {
            secure.stop(0);
        }
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0, String.join(" ", command)
                + ": " + output);
    }

    @Test
    void theVariablesAreReadAsOpenTelemetryDefinesThem() {
        ExporterSettings.Otlp defaults = (ExporterSettings.Otlp) ExporterSettings.parse(List.of("otlp"), Map.of(), w -> {})
                .get(0);
        assertEquals(URI.create("http://localhost:4318/v1/traces"), defaults.endpoint());
        assertEquals(ExporterSettings.OtlpProtocol.HTTP_PROTOBUF, defaults.protocol());
        ExporterSettings.Otlp grpc = (ExporterSettings.Otlp) ExporterSettings.parse(List.of("otlp"),
                Map.of("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"), w -> {}).get(0);
        assertEquals(URI.create("http://localhost:4317"), grpc.endpoint());
        ExporterSettings.Otlp based = (ExporterSettings.Otlp) ExporterSettings.parse(List.of("otlp"),
                Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "https://collector:4318/otel/",
                        "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/protobuf", "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc",
                        "OTEL_EXPORTER_OTLP_HEADERS", "a=1,b=2", "OTEL_EXPORTER_OTLP_TRACES_HEADERS", "b=3"), w -> {}).get(0);
        assertEquals(URI.create("https://collector:4318/otel/v1/traces"), based.endpoint());
        assertEquals(ExporterSettings.OtlpProtocol.HTTP_PROTOBUF, based.protocol(), "the traces protocol wins");
        assertEquals(Map.of("a", "1", "b", "3"), based.headers(), "the traces headers win");
        assertFalse(based.toString().contains("=3") || based.toString().contains("=1"), "header values are not shown");
        IllegalArgumentException json = assertThrows(IllegalArgumentException.class, () -> ExporterSettings.parse(
                List.of("otlp"), Map.of("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"), w -> {}));
        assertEquals("OTLP protocol 'http/json' is not supported: use http/protobuf or grpc", json.getMessage());
        IllegalArgumentException header = assertThrows(IllegalArgumentException.class, () -> ExporterSettings.parse(
                List.of("otlp"), Map.of("OTEL_EXPORTER_OTLP_HEADERS", "token"), w -> {}));
        assertEquals("OTEL_EXPORTER_OTLP_HEADERS: 'token' is not key=value", header.getMessage());
        assertEquals(java.time.Duration.ofSeconds(10), defaults.timeout());
        assertFalse(defaults.gzip());
        ExporterSettings.Otlp tuned = (ExporterSettings.Otlp) ExporterSettings.parse(List.of("otlp"), Map.of(
                "OTEL_EXPORTER_OTLP_TIMEOUT", "2500", "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "gzip"), w -> {}).get(0);
        assertEquals(java.time.Duration.ofMillis(2500), tuned.timeout());
        assertTrue(tuned.gzip());
        assertEquals("OTLP timeout '10s' is not a positive number of milliseconds", assertThrows(
                IllegalArgumentException.class, () -> ExporterSettings.parse(List.of("otlp"),
                        Map.of("OTEL_EXPORTER_OTLP_TIMEOUT", "10s"), w -> {})).getMessage());
        assertEquals("OTLP compression 'zstd' is not supported: use gzip or none", assertThrows(
                IllegalArgumentException.class, () -> ExporterSettings.parse(List.of("otlp"),
                        Map.of("OTEL_EXPORTER_OTLP_COMPRESSION", "zstd"), w -> {})).getMessage());
        assertEquals("OTLP certificate /nonexistent/ca.pem cannot be read", assertThrows(
                IllegalArgumentException.class, () -> ExporterSettings.parse(List.of("otlp"),
                        Map.of("OTEL_EXPORTER_OTLP_CERTIFICATE", "/nonexistent/ca.pem"), w -> {})).getMessage());
        IllegalArgumentException url = assertThrows(IllegalArgumentException.class, () -> ExporterSettings.parse(
                List.of("otlp"), Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4318"), w -> {}));
        assertEquals("OTEL_EXPORTER_OTLP_ENDPOINT 'collector:4318' is not an http(s) URL", url.getMessage());
    }
}
