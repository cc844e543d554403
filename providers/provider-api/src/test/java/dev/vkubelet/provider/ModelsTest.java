package dev.vkubelet.provider;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerPort;
import io.kubernetes.client.openapi.models.V1ContainerState;
import io.kubernetes.client.openapi.models.V1ContainerStateRunning;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1HTTPGetAction;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodStatus;
import io.kubernetes.client.openapi.models.V1Probe;
import io.kubernetes.client.openapi.models.V1ResourceRequirements;
import io.kubernetes.client.openapi.models.V1Secret;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ModelsTest {

    private static final OffsetDateTime STARTED = OffsetDateTime.of(2026, 11, 27, 13, 5, 7, 123_456_789,
            ZoneOffset.ofHours(2));

    private static V1Pod pod() {
        return new V1Pod().apiVersion("v1").kind("Pod")
                .metadata(new V1ObjectMeta().namespace("ns").name("web").uid("u-1").resourceVersion("42")
                        .labels(new HashMap<>(Map.of("app", "web"))).creationTimestamp(STARTED))
                .spec(new V1PodSpec().nodeName("vk").containers(new ArrayList<>(List.of(new V1Container().name("c")
                        .image("nginx").env(new ArrayList<>(List.of(new V1EnvVar().name("A").value("1"))))
                        .ports(List.of(new V1ContainerPort().containerPort(80).protocol("TCP")))
                        .livenessProbe(new V1Probe().httpGet(new V1HTTPGetAction().path("/").port(new IntOrString(80))))
                        .resources(new V1ResourceRequirements()
                                .requests(Map.of("cpu", Quantity.fromString("250m"))))))))
                .status(status());
    }

    private static V1PodStatus status() {
        return new V1PodStatus().phase("Running").podIP("10.0.0.1").startTime(STARTED)
                .conditions(new ArrayList<>(List.of(new V1PodCondition().type("Ready").status("True")
                        .lastTransitionTime(STARTED))))
                .containerStatuses(new ArrayList<>(List.of(new V1ContainerStatus().name("c").image("nginx")
                        .imageID("").ready(true).restartCount(0)
                        .state(new V1ContainerState().running(new V1ContainerStateRunning().startedAt(STARTED))))));
    }

    @Test
    void copiesAreEqualAndIndependent() {
        V1Pod original = pod();
        V1Pod copy = Models.copy(original);

        assertEquals(original, copy);
        assertEquals(JSON.serialize(original), JSON.serialize(copy));
        assertNotSame(original.getSpec().getContainers(), copy.getSpec().getContainers());

        copy.getMetadata().getLabels().put("app", "changed");
        copy.getSpec().getContainers().get(0).getEnv().add(new V1EnvVar().name("B").value("2"));
        copy.getStatus().getConditions().get(0).status("False");
        copy.getStatus().phase("Failed");

        assertEquals(JSON.serialize(pod()), JSON.serialize(original));
        assertNotEquals(original, copy);
    }

    @Test
    void byteArraysAreCopied() {
        V1Secret secret = new V1Secret().data(new HashMap<>(Map.of("k", "v".getBytes(StandardCharsets.UTF_8))));
        V1Secret copy = Models.copy(secret);
        copy.getData().get("k")[0] = 'x';
        assertArrayEquals("v".getBytes(StandardCharsets.UTF_8), secret.getData().get("k"));
    }

    @Test
    void nullStaysNull() {
        assertNull(Models.copy(null));
    }

    record Point(int x) {}

    @Test
    void refusesWhatIsNotAModel() {
        IllegalArgumentException record = assertThrows(IllegalArgumentException.class,
                () -> Models.copy(new Point(1)));
        assertTrue(record.getMessage().contains("ModelsTest$Point: not a model (no constructor without arguments)"),
                record.getMessage());
        IllegalArgumentException jdk = assertThrows(IllegalArgumentException.class,
                () -> Models.copy(List.of(java.util.Optional.of(1))));
        assertTrue(jdk.getMessage().contains("java.util.Optional: not a model"), jdk.getMessage());
        IllegalArgumentException set = assertThrows(IllegalArgumentException.class,
                () -> Models.copy(Map.of("k", Set.of("v"))));
        assertTrue(set.getMessage().contains("only lists"), set.getMessage());
    }
}
