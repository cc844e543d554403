package dev.vkubelet.core.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.vkubelet.core.controlplane.ControlPlaneAssets;
import dev.vkubelet.core.controlplane.LocalControlPlane;
import dev.vkubelet.core.pod.PodClusterFixture;
import dev.vkubelet.provider.testkit.Await;
import io.kubernetes.client.informer.cache.ReflectorRunnable;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * etcd compacted, again and again, past the revision the agent's watches had reached (the API
 * server serving watches from etcd, without its watch cache), while pods come and go: a watch that
 * resumes from a compacted revision gets 410 Gone, and the informers must list again without
 * losing what changed meanwhile.
 */
class WatchExpiryIT {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    /** Compacts etcd's history up to its current revision; returns that revision. */
    private static long compact(LocalControlPlane plane) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String range = http.send(HttpRequest.newBuilder(URI.create(plane.etcdUrl() + "/v3/kv/range"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"key\":\"AA==\"}")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher revision = Pattern.compile("\"revision\":\"(\\d+)\"").matcher(range);
        assertTrue(revision.find(), range);
        long current = Long.parseLong(revision.group(1));
        HttpResponse<String> compacted = http.send(HttpRequest.newBuilder(URI.create(plane.etcdUrl()
                + "/v3/kv/compaction")).POST(HttpRequest.BodyPublishers.ofString("{\"revision\":\"" + current
                + "\",\"physical\":true}")).build(), HttpResponse.BodyHandlers.ofString());
        // 400 "required revision has been compacted": nothing was written since the last compaction
        assertTrue(compacted.statusCode() == 200 || compacted.body().contains("has been compacted"), compacted.body());
        return current;
    }

    @Test
    void informersRelistAfterWatchExpiryAndLoseNothing() throws Exception {
        // client-java's reflector says when a watch expired (quietly, at debug level): listen to it
        Logger reflectorLog = (Logger) LoggerFactory.getLogger("io.kubernetes.client.informer.cache.ReflectorRunnable");
        Level level = reflectorLog.getLevel();
        reflectorLog.setLevel(Level.DEBUG);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        reflectorLog.addAppender(logged);
        // Watches end every 2 to 3 s (normally 5 to 10 min) and resume from the last revision seen, which the
        // compactor below keeps removing: the resumed watch gets 410 Gone.
        Duration timeout = ReflectorRunnable.REFLECTOR_WATCH_CLIENTSIDE_TIMEOUT;
        Duration maxTimeout = ReflectorRunnable.REFLECTOR_WATCH_CLIENTSIDE_MAX_TIMEOUT;
        ReflectorRunnable.REFLECTOR_WATCH_CLIENTSIDE_TIMEOUT = Duration.ofSeconds(2);
        ReflectorRunnable.REFLECTOR_WATCH_CLIENTSIDE_MAX_TIMEOUT = Duration.ofSeconds(3);
        AtomicBoolean compacting = new AtomicBoolean(true);
        AtomicReference<Exception> compactionFailure = new AtomicReference<>();
        try (LocalControlPlane plane = LocalControlPlane.start(ControlPlaneAssets.locate(System.getenv()),
                LocalControlPlane.Options.apiServerOnly().withApiServerFlags("--watch-cache=false",
                        "--etcd-compaction-interval=0"));
                PodClusterFixture cluster = new PodClusterFixture(plane)) {
            Path state = dir.resolve("mock-pods.json");
            Path config = Files.writeString(dir.resolve("mock.yaml"), cluster.node() + ": {stateFile: '" + state
                    + "'}\n");
            cluster.startMock("--provider-config", config.toString());
            Thread compactor = new Thread(() -> {
                while (compacting.get()) {
                    try {
                        compact(plane);
                        Thread.sleep(300);
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        if (compacting.get()) {
                            compactionFailure.set(e);
                        }
                        return;
                    }
                }
            }, "etcd-compactor");
            compactor.setDaemon(true);
            compactor.start();
            churn(cluster, 0, 10);
            Await.until(WAIT, "the pod watch expired", () -> podWatchExpired(logged));
            churn(cluster, 10, 20);
            for (int i = 0; i < 20; i++) {
                String name = "pod-" + i;
                if (i % 2 == 0) {
                    Await.until(WAIT, name + " gone", () -> cluster.read(name).isEmpty());
                } else {
                    cluster.awaitRunning(name);
                }
            }
            Set<String> running = new HashSet<>();
            for (int i = 1; i < 20; i += 2) {
                running.add(cluster.read("pod-" + i).orElseThrow().getMetadata().getUid());
            }
            // a pod deleted before the agent saw it never reaches the provider; every other one is removed
            Await.until(WAIT, "the provider holds exactly the running pods", () -> {
                try {
                    Journal now = Journal.read(state);
                    Set<String> held = new HashSet<>(now.count("create").keySet());
                    held.removeAll(now.count("delete").keySet());
                    return held.equals(running);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Journal journal = Journal.read(state);
            assertTrue(journal.count("create").values().stream().allMatch(n -> n == 1), "a pod was created twice");
            assertTrue(journal.count("delete").values().stream().allMatch(n -> n == 1), "a pod was deleted twice");
            assertEquals(null, compactionFailure.get(), "compacting etcd failed");
            compacting.set(false);
            compactor.join();
        } finally {
            compacting.set(false);
            ReflectorRunnable.REFLECTOR_WATCH_CLIENTSIDE_TIMEOUT = timeout;
            ReflectorRunnable.REFLECTOR_WATCH_CLIENTSIDE_MAX_TIMEOUT = maxTimeout;
            reflectorLog.detachAppender(logged);
            reflectorLog.setLevel(level);
        }
        System.out.println("informer watches expired:\n" + String.join("\n", logged.list.stream()
                .map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains("expired")).toList()));
    }

    private static boolean podWatchExpired(ListAppender<ILoggingEvent> logged) {
        return List.copyOf(logged.list).stream().map(ILoggingEvent::getFormattedMessage)
                .anyMatch(m -> m.contains("V1Pod#Watch expired"));
    }

    /** Creates pods {@code from} to {@code to - 1} and deletes every even one, spread over a few seconds. */
    private static void churn(PodClusterFixture cluster, int from, int to) throws Exception {
        for (int i = from; i < to; i++) {
            cluster.create("pod-" + i);
            Thread.sleep(300); // spread the changes over several watch lifetimes
            if (i % 2 == 1) {
                cluster.admin().deleteNamespacedPod("pod-" + (i - 1), cluster.namespace()).execute();
            }
        }
    }
}
