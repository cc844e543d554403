package dev.vkubelet.core.kube;

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
}
