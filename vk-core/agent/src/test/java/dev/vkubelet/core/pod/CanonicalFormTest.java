package dev.vkubelet.core.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.vkubelet.provider.Models;
import io.kubernetes.client.openapi.models.V1ContainerState;
import io.kubernetes.client.openapi.models.V1ContainerStateRunning;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CanonicalFormTest {

    private static final OffsetDateTime STARTED = OffsetDateTime.of(2026, 11, 27, 13, 5, 7, 123_456_789,
            ZoneOffset.ofHours(2));

    private static V1PodStatus status() {
        return new V1PodStatus().phase("Running").podIP("10.0.0.1").startTime(STARTED)
                .conditions(new ArrayList<>(List.of(new V1PodCondition().type("Ready").status("True")
                        .lastTransitionTime(STARTED))))
                .containerStatuses(new ArrayList<>(List.of(new V1ContainerStatus().name("c").image("nginx")
                        .imageID("").ready(true).restartCount(0)
                        .state(new V1ContainerState().running(new V1ContainerStateRunning().startedAt(STARTED))))));
    }

    @Test
    void nullAndEmptyModelsAreNull() {
        assertNull(CanonicalForm.of(null));
        assertNull(CanonicalForm.of(new V1PodStatus().conditions(new ArrayList<>())), "an empty status is null");
        assertNull(CanonicalForm.of(new V1Pod().metadata(new V1ObjectMeta().labels(Map.of()))));
    }

    @Test
    void timestampsAreCutToSecondsInUtcAndTheOriginalIsNotTouched() {
        V1PodStatus precise = status();
        V1PodStatus stored = Models.copy(precise);
        OffsetDateTime whole = STARTED.withOffsetSameInstant(ZoneOffset.UTC).withNano(0);
        stored.startTime(whole);
        stored.getConditions().get(0).lastTransitionTime(whole);
        stored.getContainerStatuses().get(0).getState().getRunning().startedAt(whole);

        assertNotEquals(precise, stored);
        assertEquals(CanonicalForm.of(precise), CanonicalForm.of(stored));
        assertEquals(whole, CanonicalForm.of(precise).getStartTime());
        assertEquals(STARTED, precise.getStartTime(), "the original is not touched");
        assertEquals(STARTED, precise.getConditions().get(0).getLastTransitionTime());
    }

    @Test
    void emptyObjectsListsAndMapsAreDropped() {
        V1PodStatus bare = status();
        V1PodStatus answered = status();
        // what the API server answers where a provider said nothing
        answered.getContainerStatuses().get(0).lastState(new V1ContainerState());
        answered.podIPs(new ArrayList<>());
        answered.setHostIPs(new ArrayList<>());

        assertNotEquals(bare, answered);
        assertEquals(CanonicalForm.of(bare), CanonicalForm.of(answered));
        assertNull(CanonicalForm.of(answered).getPodIPs());
        assertEquals(1, answered.getContainerStatuses().size(), "the original keeps its lists");
        assertNotEquals(CanonicalForm.of(bare), CanonicalForm.of(status().phase("Pending")));
        V1Pod labelled = new V1Pod().metadata(new V1ObjectMeta().name("p").labels(Map.of("a", "1")));
        V1Pod unlabelled = new V1Pod().metadata(new V1ObjectMeta().name("p").labels(Map.of()));
        assertEquals(Map.of("a", "1"), CanonicalForm.of(labelled).getMetadata().getLabels());
        assertNull(CanonicalForm.of(unlabelled).getMetadata().getLabels());
    }
}
