package dev.vkubelet.provider.mock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vkubelet.provider.ClusterResources;
import dev.vkubelet.provider.InvalidInputException;
import dev.vkubelet.provider.ProviderContext;
import dev.vkubelet.provider.ProviderMetrics;
import dev.vkubelet.provider.RetriableException;
import dev.vkubelet.provider.testkit.TestPods;
import dev.vkubelet.tracing.Tracer;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MockFaultsAndStateTest {

    @TempDir
    Path dir;

    private MockProvider provider(String config) throws IOException {
        Path file = Files.writeString(dir.resolve("mock.yaml"), config);
        ProviderContext context = new ProviderContext("vk", "linux", "10.1.2.3", 10250, "cluster.local",
                Optional.of(file), ClusterResources.empty(), Tracer.noop(), ProviderMetrics.none());
        return new MockProvider(context, MockConfig.load(file, "vk"), Clock.systemUTC());
    }

    @Test
    void faultRulesApplyToTheirPodsOnly() throws IOException {
        try (MockProvider mock = provider("""
                vk:
                  faults:
                    - {pods: "broken-.*", errorRate: 1}
                    - {pods: "buggy-.*", exceptionRate: 1}
                    - {pods: "liar-.*", garbageRate: 1}
                    - {pods: "slow-.*", latency: 150ms-200ms}
                """)) {
            V1Pod broken = TestPods.pod("ns", "broken-1", "vk");
            RetriableException error = assertThrows(RetriableException.class, () -> mock.createPod(broken));
            assertTrue(error.getMessage().contains("injected error in createPod of broken-1"), error.getMessage());
            assertThrows(IllegalStateException.class, () -> mock.createPod(TestPods.pod("ns", "buggy-1", "vk")));
            assertTrue(mock.getPods().isEmpty(), "a failed create must not leave a pod");

            mock.createPod(TestPods.pod("ns", "liar-1", "vk"));
            V1PodStatus garbage = mock.getPodStatus("ns", "liar-1").orElseThrow();
            assertEquals("Bogus", garbage.getPhase());
            assertEquals("ghost", garbage.getContainerStatuses().get(0).getName());

            long started = System.nanoTime();
            mock.createPod(TestPods.pod("ns", "slow-1", "vk"));
            assertTrue(System.nanoTime() - started >= Duration.ofMillis(150).toNanos());
            mock.createPod(TestPods.pod("ns", "fine-1", "vk"));
            assertEquals("Running", mock.getPodStatus("ns", "fine-1").orElseThrow().getPhase());
        }
    }

    @Test
    void aHangingCallEndsWhenItsThreadIsInterrupted() throws Exception {
        try (MockProvider mock = provider("vk: {faults: {pods: 'stuck', hangRate: 1, hangFor: 1h}}\n")) {
            Thread caller = Thread.currentThread();
            Thread interrupter = new Thread(() -> {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
                caller.interrupt();
            });
            interrupter.start();
            RetriableException hung = assertThrows(RetriableException.class,
                    () -> mock.createPod(TestPods.pod("ns", "stuck", "vk")));
            assertTrue(hung.getMessage().contains("interrupted while hanging"), hung.getMessage());
            assertTrue(Thread.interrupted(), "the interrupt must be kept");
            interrupter.join();
        }
    }

    @Test
    void badFaultsAreNamed() {
        for (String[] bad : List.of(
                new String[] {"{errorRate: 2}", "'errorRate' must be between 0 and 1, got 2"},
                new String[] {"{pods: '('}", "'pods' is not a regular expression"},
                new String[] {"{latency: 50ms-10ms}", "'latency' range 50ms-10ms ends before it starts"},
                new String[] {"{hangFor: soon}", "'hangFor' is not a duration"},
                new String[] {"{typo: 1}", "unknown field 'typo'"})) {
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> provider("vk: {faults: " + bad[0] + "}\n"));
            assertTrue(e.getMessage().contains("'faults[0]'") && e.getMessage().contains(bad[1]), e.getMessage());
        }
    }

    @Test
    void theStateFileKeepsPodsAcrossARestartAndTheJournalCountsCreatesAndDeletes() throws IOException {
        Path state = dir.resolve("pods.json");
        String config = "vk: {stateFile: '" + state + "'}\n";
        V1Pod kept = TestPods.pod("ns", "kept", "vk");
        V1Pod gone = TestPods.pod("ns", "gone", "vk");
        String keptIp;
        try (MockProvider first = provider(config)) {
            first.createPod(kept);
            first.createPod(gone);
            first.createPod(kept);
            first.deletePod(gone);
            keptIp = first.getPodStatus("ns", "kept").orElseThrow().getPodIP();
        }
        try (MockProvider second = provider(config)) {
            assertEquals(List.of("ns/kept"), second.getPods().stream()
                    .map(p -> p.getMetadata().getNamespace() + "/" + p.getMetadata().getName()).toList());
            assertEquals(keptIp, second.getPodStatus("ns", "kept").orElseThrow().getPodIP());
            second.createPod(kept);
            second.createPod(TestPods.pod("ns", "new", "vk"));
            String newIp = second.getPodStatus("ns", "new").orElseThrow().getPodIP();
            assertTrue(!newIp.equals(keptIp), "a new pod got the IP of a kept one: " + newIp);
        }
        assertEquals(List.of("create ns/kept " + kept.getMetadata().getUid(),
                "create ns/gone " + gone.getMetadata().getUid(), "delete ns/gone " + gone.getMetadata().getUid()),
                Files.readAllLines(Path.of(state + ".journal")).subList(0, 3));
        assertEquals(4, Files.readAllLines(Path.of(state + ".journal")).size());
    }
}
