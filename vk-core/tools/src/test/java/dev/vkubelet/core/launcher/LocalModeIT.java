package dev.vkubelet.core.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vkubelet.core.controlplane.ControlPlaneAssets;
import dev.vkubelet.core.controlplane.LocalControlPlane;
import dev.vkubelet.provider.testkit.Await;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Node;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code virtual-kubelet local} command in its own JVM, as the README's run command starts it:
 * a full local control plane plus a mock node that kubectl sees Ready. Checks that SIGTERM shuts
 * everything down and that processes left by a killed JVM are reaped.
 */
class LocalModeIT {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path home;

    private Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> output = new ArrayList<>();

    @AfterEach
    void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
    }

    private void startLocalMode(String nodeName) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Duser.home=" + home, "-cp",
                System.getProperty("java.class.path"), Launcher.class.getName(), "local", "--nodename", nodeName, "--metrics-addr", "127.0.0.1:0", "--listen-port", "0",
                "--plugin-dir", System.getProperty("vk.plugins.dir", "target/test-plugins"))
                .redirectErrorStream(true);
        builder.environment().put("VK_CONTROL_PLANE_ASSETS",
                ControlPlaneAssets.locate(System.getenv()).dir().toString());
        process = builder.start();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
    }

    private Path awaitKubeconfig() throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line == null) {
                assertTrue(process.isAlive(), "local mode exited early:\n" + String.join("\n", output));
                continue;
            }
            output.add(line);
            if (line.startsWith("Admin kubeconfig:")) {
                return Path.of(line.substring("Admin kubeconfig:".length()).trim());
            }
        }
        throw new AssertionError("no kubeconfig line within " + WAIT + ":\n" + String.join("\n", output));
    }

    private static List<Long> controlPlanePids(long jvmPid) throws IOException {
        List<Long> pids = new ArrayList<>();
        for (Path root : List.of(Path.of("/dev/shm/vk-control-plane"),
                Path.of(System.getProperty("java.io.tmpdir"), "vk-control-plane"))) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> dirs = Files.list(root)) {
                for (Path dir : dirs.filter(d -> d.getFileName().toString().startsWith(jvmPid + "-")).toList()) {
                    for (String line : Files.readAllLines(dir.resolve("pids"))) {
                        pids.add(Long.parseLong(line.trim().split(" ")[1]));
                    }
                }
            }
        }
        return pids;
    }

    private static String threadDump(long pid) {
        try {
            Process jstack = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jstack").toString(),
                    Long.toString(pid)).redirectErrorStream(true).start();
            String dump = new String(jstack.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            jstack.waitFor(30, TimeUnit.SECONDS);
            return dump;
        } catch (IOException | InterruptedException e) {
            return "(no thread dump: " + e + ")";
        }
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Test
    void runsAReadyNodeAndStopsEverythingOnSigterm() throws Exception {
        startLocalMode("vk-local-mode");
        Path kubeconfig = awaitKubeconfig();
        assertEquals(home.resolve(".cache/virtual-kubelet/local/admin.kubeconfig"), kubeconfig);
        CoreV1Api api = new CoreV1Api(LocalControlPlane.clientFor(kubeconfig));
        V1Node node = Await.until(WAIT, "node Ready without the not-ready taint", () -> {
            try {
                V1Node n = api.readNode("vk-local-mode").execute();
                boolean ready = n.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
                boolean notReadyTaint = n.getSpec().getTaints() != null && n.getSpec().getTaints().stream()
                        .anyMatch(t -> t.getKey().startsWith("node.kubernetes.io/not-ready"));
                return ready && !notReadyTaint ? Optional.of(n) : Optional.empty();
            } catch (Exception e) {
                return Optional.empty();
            }
        });
        assertEquals("mock", node.getSpec().getTaints().stream()
                .filter(t -> t.getKey().equals("virtual-kubelet.io/provider")).findFirst().orElseThrow().getValue());
        List<Long> pids = controlPlanePids(process.pid());
        assertEquals(4, pids.size(), "etcd, kube-apiserver, kube-controller-manager, kube-scheduler: " + pids);

        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new AssertionError("local mode did not stop on SIGTERM; its threads:\n" + threadDump(process.pid())
                    + "\nits last output:\n" + String.join("\n", new ArrayList<>(lines)));
        }
        for (long pid : pids) {
            assertFalse(alive(pid), "control plane process " + pid + " survived SIGTERM");
        }
    }

    @Test
    void processesOfAKilledJvmAreReaped() throws Exception {
        startLocalMode("vk-local-killed");
        awaitKubeconfig();
        List<Long> pids = controlPlanePids(process.pid());
        assertFalse(pids.isEmpty());

        process.destroyForcibly();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertTrue(pids.stream().anyMatch(LocalModeIT::alive), "nothing left behind to reap");

        LocalControlPlane.reapOrphans();
        for (long pid : pids) {
            Await.until(Duration.ofSeconds(10), "pid " + pid + " reaped", () -> !alive(pid));
        }
        assertTrue(controlPlanePids(process.pid()).isEmpty(), "directory of the killed JVM was not removed");
    }
}
