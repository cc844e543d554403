package dev.vkubelet.core.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TooManyRequestsRetryTest {

    private final AtomicInteger calls = new AtomicInteger();
    private HttpServer server;

    /** A server answering 429 (Retry-After: 0) to the first {@code refusals} requests, then 200. */
    private String serve(int refusals) throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            if (calls.incrementAndGet() <= refusals) {
                exchange.getResponseHeaders().add("Retry-After", "0");
                exchange.sendResponseHeaders(429, -1);
            } else {
                byte[] body = "ok".getBytes();
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/apis/coordination.k8s.io/v1/leases/n";
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private Response put(String url, int retries) throws Exception {
        OkHttpClient client = new OkHttpClient.Builder().addInterceptor(new TooManyRequestsRetry(retries)).build();
        return client.newCall(new Request.Builder().url(url)
                .put(RequestBody.create("{}", MediaType.get("application/json"))).build()).execute();
    }

    @Test
    void aRefusedWriteIsSentAgainUntilItIsAnswered() throws Exception {
        String url = serve(2);
        try (Response response = put(url, 3)) {
            assertEquals(200, response.code());
            assertEquals("ok", response.body().string());
        }
        assertEquals(3, calls.get(), "two refusals, then the answer");
    }

    @Test
    void theLastRefusalIsTheAnswerWhenTheRetriesRunOut() throws Exception {
        String url = serve(10);
        try (Response response = put(url, 3)) {
            assertEquals(429, response.code());
        }
        assertEquals(4, calls.get(), "the first attempt and three retries");
    }

    @Test
    void retryAfterIsReadInSecondsWithADefaultAndACap() {
        assertEquals(Duration.ofSeconds(1), TooManyRequestsRetry.retryAfter(null));
        assertEquals(Duration.ofSeconds(1), TooManyRequestsRetry.retryAfter("Wed, 21 Oct 2026 07:28:00 GMT"));
        assertEquals(Duration.ofSeconds(2), TooManyRequestsRetry.retryAfter(" 2 "));
        assertEquals(Duration.ZERO, TooManyRequestsRetry.retryAfter("0"));
        assertEquals(TooManyRequestsRetry.LONGEST, TooManyRequestsRetry.retryAfter("3600"));
    }
}
