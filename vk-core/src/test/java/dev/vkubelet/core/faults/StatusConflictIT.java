package dev.vkubelet.core.faults;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vkubelet.core.app.VirtualKubelet;
import dev.vkubelet.core.controlplane.LocalControlPlane;
import dev.vkubelet.core.pod.PodClusterFixture;
import dev.vkubelet.core.testing.LocalControlPlaneExtension;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1Pod;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Another writer keeps changing the pods (labels, as a controller might) while the agent writes
 * their statuses: the agent's writes hit 409 Conflict, and it must re-read and write again until
 * every pod shows the status the provider reports.
 */
@ExtendWith(LocalControlPlaneExtension.class)
class StatusConflictIT {

    private static final int PODS = 40;
    private static final int RACERS = 4;

    @TempDir
    Path dir;

    private PodClusterFixture cluster;

    @BeforeEach
    void cluster(LocalControlPlane plane) throws Exception {
        cluster = new PodClusterFixture(plane);
    }

    @AfterEach
    void close() throws Exception {
        cluster.close();
    }

    /** How many status writes the agent saw refused with 409, from its own metrics. */
    private static double conflicts(VirtualKubelet agent) throws Exception {
        String text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + agent.metricsAddress().orElseThrow().getPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("(?m)^vk_apiserver_request_duration_seconds_count\\{([^}]*)\\} (\\S+)$")
                .matcher(text);
        double total = 0;
        while (m.find()) {
            if (m.group(1).contains("code=\"409\"") && m.group(1).contains("resource=\"pods/status\"")) {
                total += Double.parseDouble(m.group(2));
            }
        }
        return total;
    }

    @Test
    void statusWritesRacingAnotherWriterEndWithTheProvidersStatus() throws Exception {
        Path config = Files.writeString(dir.resolve("mock.yaml"), cluster.node() + ": {runningDelay: 1s}\n");
        VirtualKubelet agent = cluster.startMock("--provider-config", config.toString());
        AtomicBoolean racing = new AtomicBoolean(true);
        List<Thread> racers = new ArrayList<>();
        for (int r = 0; r < RACERS; r++) {
            int first = r;
            // each racer rewrites its share of the pods, round after round, so every pod changes every few ms
            Thread racer = new Thread(() -> {
                for (int round = 0; racing.get(); round++) {
                    for (int i = first; i < PODS && racing.get(); i += RACERS) {
                        try {
                            V1Pod pod = cluster.admin().readNamespacedPod("pod-" + i, cluster.namespace()).execute();
                            pod.getMetadata().putLabelsItem("racer", Integer.toString(round));
                            cluster.admin().replaceNamespacedPod("pod-" + i, cluster.namespace(), pod).execute();
                        } catch (ApiException e) {
                            // not created yet, or this write lost a race itself: go on
                        }
                    }
                }
            }, "racing-writer-" + r);
            racer.start();
            racers.add(racer);
        }
        try {
            for (int i = 0; i < PODS; i++) {
                cluster.create("pod-" + i);
            }
            for (int i = 0; i < PODS; i++) {
                V1Pod running = cluster.awaitRunning("pod-" + i);
                assertTrue(running.getStatus().getContainerStatuses().stream().allMatch(c -> Boolean.TRUE.equals(
                        c.getReady())), running.getStatus().toString());
            }
        } finally {
            racing.set(false);
            for (Thread racer : racers) {
                racer.join();
            }
        }
        double conflicts = conflicts(agent);
        assertTrue(conflicts > 0, "the racing writer caused no conflicts: the test did not test anything");
        System.out.println("status writes refused with 409 and redone: " + conflicts);
    }
}
