package dev.vkubelet.provider.azure.aci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.resourcemanager.containerinstance.fluent.models.ContainerGroupInner;
import com.azure.resourcemanager.containerinstance.models.Container;
import com.azure.resourcemanager.containerinstance.models.ContainerGroupRestartPolicy;
import dev.vkubelet.provider.InvalidInputException;
import dev.vkubelet.provider.azure.config.AzureConfig;
import dev.vkubelet.provider.testkit.TestPods;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1ContainerPort;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1EnvVarSource;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1ResourceRequirements;
import io.kubernetes.client.openapi.models.V1SecretKeySelector;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GroupMappingTest {

    private final GroupMapping mapping = new GroupMapping(AzureConfig.defaults());

    @Test
    void groupNamesAreNamespaceDashPodOrAShortenedUniqueForm() {
        assertEquals("team-a-web", GroupMapping.groupName("team-a", "web"));
        String dotted = GroupMapping.groupName("team-a", "web.v2");
        assertTrue(dotted.matches("team-a-web-v2-[0-9a-f]{8}"), dotted);
        String longName = GroupMapping.groupName("ns", "x".repeat(100));
        assertTrue(longName.length() <= 63 && longName.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?"), longName);
        assertTrue(!longName.equals(GroupMapping.groupName("ns", "x".repeat(101))), "distinct pods, distinct names");
    }

    @Test
    void containersMapWithResourcesAsAciTakesThem() {
        V1Pod pod = TestPods.pod("default", "web", "node-1");
        pod.getSpec().restartPolicy("OnFailure").getContainers().get(0).args(List.of("-v"))
                .ports(List.of(new V1ContainerPort().containerPort(80)))
                .env(List.of(new V1EnvVar().name("MODE").value("prod"), new V1EnvVar().name("PW").value("s3cret")
                        .valueFrom(new V1EnvVarSource().secretKeyRef(new V1SecretKeySelector().name("db").key("pw")))))
                .resources(new V1ResourceRequirements().requests(Map.of("cpu", new Quantity("333m"),
                        "memory", new Quantity("1Gi"))).limits(Map.of("cpu", new Quantity("1"))));
        ContainerGroupInner group = mapping.group(pod, "node-1");
        Container c = group.containers().get(0);
        assertEquals(List.of("sleep", "3600", "-v"), c.command());
        assertEquals(0.34, c.resources().requests().cpu());
        assertEquals(1.1, c.resources().requests().memoryInGB());
        assertEquals(1.0, c.resources().limits().cpu());
        assertNull(c.resources().limits().memoryInGB());
        assertEquals("prod", c.environmentVariables().get(0).value());
        assertEquals("s3cret", c.environmentVariables().get(1).secureValue());
        assertNull(c.environmentVariables().get(1).value());
        assertEquals(80, group.ipAddress().ports().get(0).port());
        assertEquals(ContainerGroupRestartPolicy.ON_FAILURE, group.restartPolicy());
        assertEquals("node-1", group.tags().get(GroupMapping.TAG_NODE));
        assertEquals(pod.getMetadata().getUid(), group.tags().get(GroupMapping.TAG_UID));
        assertEquals("westus2", group.location());
    }

    @Test
    void unsetResourcesGetAciDefaultsAndNoPortsNoIp() {
        ContainerGroupInner group = mapping.group(TestPods.pod("default", "plain", "n"), "n");
        assertEquals(1.0, group.containers().get(0).resources().requests().cpu());
        assertEquals(1.5, group.containers().get(0).resources().requests().memoryInGB());
        assertNull(group.ipAddress());
        assertEquals(ContainerGroupRestartPolicy.ALWAYS, group.restartPolicy());
    }

    @Test
    void sctpIsRefused() {
        V1Pod pod = TestPods.pod("default", "sctp", "n");
        pod.getSpec().getContainers().get(0).ports(List.of(new V1ContainerPort().containerPort(9).protocol("SCTP")));
        assertThrows(InvalidInputException.class, () -> mapping.group(pod, "n"));
    }
}
