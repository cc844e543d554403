package dev.vkubelet.core.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The recorder against a plain HTTP server (KubeEventRecorderIT has the API server). */
class KubeEventRecorderTest {

    @Test
    void closingTheEventRecorderStopsItsWritersSoTheApiServerMayGo() throws Exception {
        AtomicInteger posts = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            posts.incrementAndGet();
            byte[] body = "{}".getBytes();
            exchange.sendResponseHeaders(201, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            ApiClient client = new ApiClient().setBasePath("http://127.0.0.1:" + server.getAddress().getPort());
            KubeEventRecorder recorder = new KubeEventRecorder(client, "vk", 1, 1); // one event a second
            for (int i = 0; i < 30; i++) {
                recorder.record(new V1Pod().metadata(new V1ObjectMeta().namespace("ns").name("p" + i).uid("u"))
                        .spec(new V1PodSpec().nodeName("vk")), "Normal", "Started", "started");
            }
            recorder.close();
            assertTrue(recorder.stopped(), "a writer still runs after close()");
            int written = posts.get();
            assertTrue(written >= 1 && written < 30, "written before close returned: " + written);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void eventsRecordedWhileTheApiServerIsAwayArriveWhenItIsBack() throws Exception {
        // "away": a port that takes connections and drops them at once, as a restarting API server's would
        java.net.ServerSocket away = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        int port = away.getLocalPort();
        AtomicInteger dropped = new AtomicInteger();
        Thread dropper = new Thread(() -> {
            try {
                while (true) {
                    away.accept().close();
                    dropped.incrementAndGet();
                }
            } catch (java.io.IOException closed) {
                // the API server is back
            }
        });
        dropper.start();
        ApiClient client = new ApiClient().setBasePath("http://127.0.0.1:" + port);
        java.util.List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicInteger answered = new AtomicInteger();
        try (KubeEventRecorder recorder = new KubeEventRecorder(client, "vk", 0, 1, 100)) {
            recorder.record(new V1Pod().metadata(new V1ObjectMeta().namespace("ns").name("away").uid("u"))
                    .spec(new V1PodSpec().nodeName("vk")), "Normal", "Started", "while away");
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (dropped.get() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(dropped.get() >= 2, "the recorder did not try while the API server was away");
            away.close();
            dropper.join(10_000);
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
            server.createContext("/", exchange -> {
                String body = new String(exchange.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                // the first request after it is back is refused once more
                int status = answered.getAndIncrement() == 0 ? 503 : 201;
                if (status == 201) {
                    received.add(body);
                }
                byte[] answer = "{}".getBytes();
                exchange.sendResponseHeaders(status, answer.length);
                exchange.getResponseBody().write(answer);
                exchange.close();
            });
            server.start();
            try {
                while (received.isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
            } finally {
                server.stop(0);
            }
        }
        assertEquals(1, received.size(), "the event arrived once");
        assertTrue(received.get(0).contains("while away"), received.get(0));
        assertEquals(2, answered.get(), "one 503, then the write");
    }
}
