package dev.vkubelet.core.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.sun.net.httpserver.HttpServer;
import dev.vkubelet.tracing.Granularity;
import dev.vkubelet.tracing.Span;
import dev.vkubelet.tracing.Tracer;
import dev.vkubelet.tracing.opencensus.OpenCensusTracing;
import dev.vkubelet.tracing.opencensus.TracingConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/** The API client's requests carry the calling thread's trace context, through a real OkHttp client. */
class TraceHeadersTest {

    @Test
    void requestsInASpanCarryItsContextAndOthersGoOutAsTheyAre() throws Exception {
        BlockingQueue<Map<String, String>> received = new LinkedBlockingQueue<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            received.add(Map.of("traceparent", String.valueOf(exchange.getRequestHeaders().getFirst("traceparent")),
                    "b3", String.valueOf(exchange.getRequestHeaders().getFirst("X-B3-TraceId"))));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        try {
            Tracer tracer = OpenCensusTracing.configure(new TracingConfig("vk-test", Map.of(), OptionalDouble.of(100),
                    List.of(), Granularity.NORMAL, TracingConfig.Propagation.parse("w3c,b3")));
            OkHttpClient client = new OkHttpClient.Builder().addInterceptor(new TraceHeaders(tracer)).build();
            Request request = new Request.Builder().url("http://127.0.0.1:" + server.getAddress().getPort() + "/api")
                    .build();
            try (Span span = tracer.startSpan("pod.writeStatus"); Response response = client.newCall(request).execute()) {
                assertEquals(200, response.code());
                Map<String, String> headers = received.poll(10, TimeUnit.SECONDS);
                assertEquals("00-" + span.traceId() + "-" + span.spanId() + "-01", headers.get("traceparent"));
                assertEquals(span.traceId(), headers.get("b3"));
            }
            try (Response response = client.newCall(request).execute()) {
                assertEquals(200, response.code());
                Map<String, String> headers = received.poll(10, TimeUnit.SECONDS);
                assertEquals("null", headers.get("traceparent"), "no span, no header");
            }
        } finally {
            server.stop(0);
        }
        assertNull(received.poll());
    }
}
