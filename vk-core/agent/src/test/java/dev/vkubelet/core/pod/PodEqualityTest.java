package dev.vkubelet.core.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vkubelet.provider.testkit.TestPods;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1EphemeralContainer;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1PodStatus;
import io.kubernetes.client.openapi.models.V1Toleration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PodEqualityTest {

    private static V1Pod pod() {
        V1Pod pod = TestPods.pod("ns", "p", "vk");
        pod.getMetadata().resourceVersion("1");
        pod.getSpec().getContainers().get(0).env(new ArrayList<>(List.of(
                new V1EnvVar().name("A").value("1"), new V1EnvVar().name("B").value("2"))));
        return pod;
    }

    private static V1Pod copy(V1Pod pod) {
        return JSON.deserialize(JSON.serialize(pod), V1Pod.class);
    }

    @Test
    void envOrderAndEmptyVersusAbsentCauseNoUpdate() {
        V1Pod provider = pod();
        V1Pod wanted = copy(provider);
        wanted.getSpec().getContainers().get(0).env(new ArrayList<>(List.of(
                new V1EnvVar().name("B").value("2"), new V1EnvVar().name("A").value("1"))));
        wanted.getSpec().tolerations(null);
        provider.getSpec().tolerations(new ArrayList<>());
        provider.getMetadata().labels(null);
        wanted.getMetadata().labels(new java.util.HashMap<>());
        assertFalse(PodEquality.needsProviderUpdate(provider, wanted));
    }

    @Test
    void mutableFieldsCauseAnUpdate() {
        V1Pod provider = pod();
        V1Pod image = copy(provider);
        image.getSpec().getContainers().get(0).image("busybox:1.37");
        assertTrue(PodEquality.needsProviderUpdate(provider, image));

        V1Pod label = copy(provider);
        label.getMetadata().putLabelsItem("tier", "gold");
        assertTrue(PodEquality.needsProviderUpdate(provider, label));

        V1Pod annotation = copy(provider);
        annotation.getMetadata().putAnnotationsItem("note", "x");
        assertTrue(PodEquality.needsProviderUpdate(provider, annotation));

        V1Pod deadline = copy(provider);
        deadline.getSpec().activeDeadlineSeconds(60L);
        assertTrue(PodEquality.needsProviderUpdate(provider, deadline));

        V1Pod toleration = copy(provider);
        toleration.getSpec().addTolerationsItem(new V1Toleration().key("k").operator("Exists"));
        assertTrue(PodEquality.needsProviderUpdate(provider, toleration));

        V1Pod ephemeral = copy(provider);
        ephemeral.getSpec().addEphemeralContainersItem(new V1EphemeralContainer().name("debug").image("busybox"));
        assertTrue(PodEquality.needsProviderUpdate(provider, ephemeral));

        V1Pod env = copy(provider);
        env.getSpec().getContainers().get(0).getEnv().get(0).value("changed");
        assertTrue(PodEquality.needsProviderUpdate(provider, env));
    }

    @Test
    void informerUpdatesEnqueueSyncOnlyForWhatTheSyncActsOn() {
        V1Pod old = pod();
        V1Pod resync = copy(old);
        assertTrue(PodEquality.syncRelevant(old, resync), "a resync (same resourceVersion) is synced");

        V1Pod statusOnly = copy(old);
        statusOnly.getMetadata().resourceVersion("2");
        statusOnly.setStatus(new V1PodStatus().phase("Running"));
        assertFalse(PodEquality.syncRelevant(old, statusOnly));
        assertTrue(PodEquality.statusChanged(old, statusOnly));

        V1Pod deleting = copy(old);
        deleting.getMetadata().resourceVersion("3").deletionTimestamp(OffsetDateTime.now(ZoneOffset.UTC));
        assertTrue(PodEquality.syncRelevant(old, deleting));
        assertFalse(PodEquality.statusChanged(old, deleting));

        V1Pod relabelled = copy(old);
        relabelled.getMetadata().resourceVersion("4").putLabelsItem("x", "y");
        assertTrue(PodEquality.syncRelevant(old, relabelled));
    }

    @Test
    void statusesThatDifferOnlyBelowASecondAreTheSame() {
        OffsetDateTime t = OffsetDateTime.of(2026, 11, 27, 7, 0, 0, 0, ZoneOffset.UTC);
        V1PodStatus fromProvider = new V1PodStatus().phase("Running").startTime(t.plusNanos(123_456_789))
                .conditions(List.of(new V1PodCondition().type("Ready").status("True")
                        .lastTransitionTime(t.plusNanos(5))));
        V1PodStatus stored = new V1PodStatus().phase("Running").startTime(t)
                .conditions(List.of(new V1PodCondition().type("Ready").status("True").lastTransitionTime(t)));
        assertTrue(PodEquality.sameStatus(fromProvider, stored));
        assertTrue(PodEquality.sameStatus(PodEquality.normalize(fromProvider), stored));
        assertFalse(PodEquality.sameStatus(fromProvider, new V1PodStatus().phase("Pending").startTime(t)));
    }

    @Test
    void emptyObjectsAndListsTheApiServerAddsAreNoChange() {
        V1PodStatus fromProvider = new V1PodStatus().phase("Running").containerStatuses(List.of(
                new io.kubernetes.client.openapi.models.V1ContainerStatus().name("app").ready(true).restartCount(0)
                        .image("busybox").imageID("")));
        fromProvider.getContainerStatuses().get(0).setVolumeMounts(null);
        V1PodStatus stored = new V1PodStatus().phase("Running").containerStatuses(List.of(
                new io.kubernetes.client.openapi.models.V1ContainerStatus().name("app").ready(true).restartCount(0)
                        .image("busybox").imageID("").lastState(new io.kubernetes.client.openapi.models
                                .V1ContainerState()).volumeMounts(List.of())));
        assertTrue(PodEquality.sameStatus(fromProvider, stored));
        stored.getContainerStatuses().get(0).ready(false);
        assertFalse(PodEquality.sameStatus(fromProvider, stored));
    }

    @Test
    void statusToWriteIsTheNormalisedStatusOrNothing() {
        OffsetDateTime t = OffsetDateTime.of(2026, 11, 27, 7, 0, 0, 0, ZoneOffset.UTC);
        V1PodStatus stored = new V1PodStatus().phase("Running").startTime(t);
        assertTrue(PodEquality.statusToWrite(stored, new V1PodStatus().phase("Running").startTime(t.plusNanos(7)))
                .isEmpty(), "a difference below a second is no write");
        V1PodStatus written = PodEquality.statusToWrite(stored, new V1PodStatus().phase("Failed")
                .startTime(t.plusNanos(7)).conditions(List.of())).orElseThrow();
        assertEquals(PodEquality.normalize(new V1PodStatus().phase("Failed").startTime(t.plusNanos(7))), written);
        assertEquals(t, written.getStartTime());
        assertEquals(new V1PodStatus(), PodEquality.statusToWrite(stored, new V1PodStatus()).orElseThrow(),
                "an empty status is written as one, not as null");
    }
}
