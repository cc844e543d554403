package dev.vkubelet.core.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vkubelet.core.controlplane.LocalControlPlane;
import dev.vkubelet.core.ports.EventRecorder;
import dev.vkubelet.core.testing.LocalControlPlaneExtension;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Events go to the API server at most {@code --event-qps} per second above {@code --event-burst}:
 * the ones beyond the burst wait for their turn and are written, none is lost, and each keeps the
 * time it was recorded at.
 */
@ExtendWith(LocalControlPlaneExtension.class)
class KubeEventRecorderIT {

    private static final double QPS = 2;
    private static final int BURST = 2;
    private static final int EVENTS = 8;

    @Test
    void eventsBeyondTheBurstWaitForTheirTurnAndAllArrive(LocalControlPlane plane) throws Exception {
        ApiClient client = plane.adminClient();
        CoreV1Api api = new CoreV1Api(client);
        String namespace = namespace(api);
        V1Pod pod = new V1Pod().metadata(new V1ObjectMeta().namespace(namespace).name("p").uid("uid-p"));

        Instant recorded;
        try (KubeEventRecorder recorder = new KubeEventRecorder(client, "vk-events", QPS, BURST)) {
            recorded = Instant.now();
            for (int i = 0; i < EVENTS; i++) {
                recorder.record(pod, EventRecorder.NORMAL, "Numbered", "event " + i);
            }
            List<CoreV1Event> events = awaitEvents(api, namespace, Duration.ofSeconds(30));
            assertEquals(EVENTS, events.size(), "every event arrives, none dropped");
            events.sort(Comparator.comparing(e -> e.getMetadata().getCreationTimestamp()));
            // the API server stamps creation in whole seconds: the writes beyond the burst need
            // (EVENTS - BURST) / QPS = 3 s of tokens, so the last is stamped at least 2 s after the first
            // (written at once, all would be stamped within one second)
            Duration spread = Duration.between(events.get(0).getMetadata().getCreationTimestamp(),
                    events.get(EVENTS - 1).getMetadata().getCreationTimestamp());
            assertTrue(spread.compareTo(Duration.ofSeconds(2)) >= 0, "written at once: " + spread);
            for (CoreV1Event e : events) {
                assertTrue(!e.getFirstTimestamp().toInstant().isBefore(recorded.minusSeconds(1))
                        && !e.getFirstTimestamp().toInstant().isAfter(recorded.plusSeconds(1)),
                        "an event keeps the time it was recorded at, not when it was written: " + e.getFirstTimestamp());
                assertEquals("vk-events/pod-controller", e.getSource().getComponent());
            }
        }
    }

    @Test
    void aRepeatedEventIsOneEventWithACountAndACrashLoopIsHeldBack(LocalControlPlane plane) throws Exception {
        ApiClient client = plane.adminClient();
        CoreV1Api api = new CoreV1Api(client);
        String namespace = namespace(api);
        V1Pod pod = new V1Pod().metadata(new V1ObjectMeta().namespace(namespace).name("looping").uid("uid-l"));
        try (KubeEventRecorder recorder = new KubeEventRecorder(client, "vk-events", 0, 100)) {
            Instant first = Instant.now();
            for (int i = 0; i < 5; i++) {
                recorder.record(pod, EventRecorder.WARNING, "BackOff", "Back-off restarting failed container");
            }
            CoreV1Event counted = dev.vkubelet.provider.testkit.Await.until(Duration.ofSeconds(30),
                    "one BackOff event counted 5 times", () -> events(api, namespace)
                            .filter(items -> items.size() == 1 && Integer.valueOf(5).equals(items.get(0).getCount()))
                            .map(items -> items.get(0)));
            assertEquals("BackOff", counted.getReason());
            assertTrue(!counted.getFirstTimestamp().toInstant().isBefore(first.minusSeconds(1)));
            assertTrue(!counted.getLastTimestamp().isBefore(counted.getFirstTimestamp()));
            // 25 events a pod at once: the 5 above, 20 more distinct ones, and the rest held back
            for (int i = 0; i < 40; i++) {
                recorder.record(pod, EventRecorder.NORMAL, "Reason" + i, "event " + i);
            }
            List<CoreV1Event> all = dev.vkubelet.provider.testkit.Await.until(Duration.ofSeconds(30), "21 events",
                    () -> events(api, namespace).filter(items -> items.size() >= 21));
            recorder.close();
            assertEquals(21, api.listNamespacedEvent(namespace).execute().getItems().size(),
                    "one counted event and 20 more; 20 held back: " + all.size());
        }
    }

    private static String namespace(CoreV1Api api) throws Exception {
        String namespace = "events-" + Long.toHexString(System.nanoTime());
        api.createNamespace(new V1Namespace().metadata(new V1ObjectMeta().name(namespace))).execute();
        return namespace;
    }

    private static java.util.Optional<List<CoreV1Event>> events(CoreV1Api api, String namespace) {
        try {
            return java.util.Optional.of(api.listNamespacedEvent(namespace).execute().getItems());
        } catch (io.kubernetes.client.openapi.ApiException e) {
            return java.util.Optional.empty();
        }
    }

    private static List<CoreV1Event> awaitEvents(CoreV1Api api, String namespace, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        List<CoreV1Event> events;
        do {
            events = new java.util.ArrayList<>(api.listNamespacedEvent(namespace).execute().getItems());
            if (events.size() >= EVENTS) {
                return events;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        return events;
    }
}
