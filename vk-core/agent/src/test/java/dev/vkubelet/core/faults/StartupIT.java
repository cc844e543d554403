package dev.vkubelet.core.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vkubelet.core.controlplane.LocalControlPlane;
import dev.vkubelet.core.testing.LocalControlPlaneExtension;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An API server that cannot be reached when the agent starts: it retries, says what it is waiting
 * for, and gives up with a clear message and exit status 1 when {@code --startup-timeout} passes.
 */
@ExtendWith(LocalControlPlaneExtension.class)
class StartupIT {

    @TempDir
    Path dir;

    @Test
    void anUnreachableApiServerIsRetriedUntilTheStartupTimeout(LocalControlPlane plane) throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        String node = "vk-unreachable";
        int port = URI.create(plane.serverUrl()).getPort();
        Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), Files.readString(plane.nodeKubeconfig(node))
                .replace("127.0.0.1:" + port, "127.0.0.1:" + closed));
        Path log = dir.resolve("agent.log");
        long started = System.nanoTime();
        Process agent = AgentProcess.start(List.of("--provider", "mock", "--nodename", node, "--kubeconfig",
                kubeconfig.toString(), "--plugin-dir", AgentProcess.plugins().toString(), "--listen-port", "0",
                "--metrics-addr=", "--startup-timeout", "6s"), log);
        assertTrue(agent.waitFor(60, TimeUnit.SECONDS), "the agent did not give up:\n" + Files.readString(log));
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
        String output = Files.readString(log);
        assertEquals(1, agent.exitValue(), output);
        assertTrue(seconds >= 6, "gave up after " + seconds + " s, before the startup timeout:\n" + output);
        assertTrue(output.contains("registering node " + node + " failed, retrying"), output);
        assertTrue(output.contains("127.0.0.1:" + closed), "the message does not say where it tried:\n" + output);
        // ours up to the cause; the cause's words are the HTTP client's, so only its class and address
        String ours = "virtual-kubelet: error: cannot register node " + node + " within 6 s (--startup-timeout): get node "
                + node + " failed: cannot reach the API server: ";
        assertTrue(output.lines().anyMatch(l -> l.startsWith(ours) && l.contains("ConnectException")
                && l.contains("127.0.0.1:" + closed)), output);
    }
}
