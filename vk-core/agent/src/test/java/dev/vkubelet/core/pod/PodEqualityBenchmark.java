package dev.vkubelet.core.pod;

import dev.vkubelet.provider.testkit.TestPods;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1ContainerState;
import io.kubernetes.client.openapi.models.V1ContainerStateRunning;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1PodIP;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The pod comparisons every sync and status sync makes: is the provider's status new (status diff,
 * incl. the merge with what Kubernetes has), and does the provider's pod need an update (pod
 * comparison). Run with {@code -Pjmh} (see vk-core's pom).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PodEqualityBenchmark {

    private V1PodStatus reported;
    private V1PodStatus stored;
    private V1Pod inProvider;
    private V1Pod wanted;

    @Setup
    public void setUp() {
        OffsetDateTime now = OffsetDateTime.of(2026, 11, 27, 12, 0, 0, 123_456_789, ZoneOffset.UTC);
        reported = new V1PodStatus().phase("Running").hostIP("10.0.0.1").podIP("10.244.0.7")
                .podIPs(List.of(new V1PodIP().ip("10.244.0.7"))).startTime(now)
                .conditions(List.of(new V1PodCondition().type("Ready").status("True").lastTransitionTime(now),
                        new V1PodCondition().type("ContainersReady").status("True").lastTransitionTime(now)))
                .containerStatuses(List.of(new V1ContainerStatus().name("app").image("busybox").imageID("")
                        .ready(true).restartCount(0).started(true)
                        .state(new V1ContainerState().running(new V1ContainerStateRunning().startedAt(now)))));
        stored = JSON.deserialize(JSON.serialize(PodEquality.normalize(reported)), V1PodStatus.class);
        stored.getConditions().get(0).type("PodScheduled");
        inProvider = TestPods.pod("team", "web", "vk");
        wanted = JSON.deserialize(JSON.serialize(inProvider), V1Pod.class);
    }

    /** A status sync that finds nothing new: merge, then compare. */
    @Benchmark
    public boolean statusDiff() {
        return PodEquality.statusToWrite(stored, PodStatusSync.merge(stored, reported, "10.0.0.1")).isEmpty();
    }

    /** A pod sync that finds nothing to update in the provider. */
    @Benchmark
    public boolean podComparison() {
        return PodEquality.needsProviderUpdate(inProvider, wanted);
    }
}
