package dev.vkubelet.provider.aws.ecs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vkubelet.provider.InvalidInputException;
import dev.vkubelet.provider.aws.config.AwsConfig;
import dev.vkubelet.provider.testkit.TestPods;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerPort;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1ResourceRequirements;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.RunTaskRequest;
import software.amazon.awssdk.services.ecs.model.TransportProtocol;

class TaskDefinitionsTest {

    private final TaskDefinitions definitions = new TaskDefinitions(AwsConfig.defaults());

    private static V1Pod pod(V1Container... containers) {
        V1Pod pod = TestPods.pod("team-a", "web.v2", "node-1");
        pod.getSpec().containers(List.of(containers));
        return pod;
    }

    private static V1ResourceRequirements resources(Map<String, String> limits, Map<String, String> requests) {
        V1ResourceRequirements r = new V1ResourceRequirements();
        limits.forEach((k, v) -> r.putLimitsItem(k, new Quantity(v)));
        requests.forEach((k, v) -> r.putRequestsItem(k, new Quantity(v)));
        return r;
    }

    @Test
    void containersMapAsUpstreamDid() {
        V1Container app = new V1Container().name("app").image("nginx:1.27").command(List.of("nginx"))
                .args(List.of("-g", "daemon off;")).workingDir("/srv")
                .env(List.of(new V1EnvVar().name("MODE").value("prod")))
                .ports(List.of(new V1ContainerPort().containerPort(80), new V1ContainerPort().containerPort(53)
                        .protocol("UDP")))
                .resources(resources(Map.of("cpu", "500m", "memory", "1Gi"), Map.of("memory", "512Mi")));
        RegisterTaskDefinitionRequest request = definitions.register(pod(app));
        assertEquals("vk-podspec_virtual-kubelet_team-a_web-v2", request.family());
        assertEquals(NetworkMode.AWSVPC, request.networkMode());
        assertEquals("FARGATE", request.requiresCompatibilitiesAsStrings().get(0));
        ContainerDefinition d = request.containerDefinitions().get(0);
        assertEquals(List.of("nginx"), d.entryPoint());
        assertEquals(List.of("-g", "daemon off;"), d.command());
        assertEquals("/srv", d.workingDirectory());
        assertEquals("prod", d.environment().get(0).value());
        assertEquals(TransportProtocol.UDP, d.portMappings().get(1).protocol());
        assertEquals(512, d.cpu());
        assertEquals(1024, d.memory());
        assertEquals(512, d.memoryReservation());
        assertEquals("awslogs", d.logConfiguration().logDriverAsString());
        assertEquals("vk", d.logConfiguration().options().get("awslogs-stream-prefix"));
        assertEquals("512", request.cpu());
        assertEquals("1024", request.memory());
    }

    @Test
    void taskSizeIsTheSmallestFargateSizeThatFits() {
        V1Container a = new V1Container().name("a").image("x")
                .resources(resources(Map.of(), Map.of("cpu", "1", "memory", "3Gi")));
        V1Container b = new V1Container().name("b").image("y")
                .resources(resources(Map.of("cpu", "250m"), Map.of("memory", "2500Mi")));
        RegisterTaskDefinitionRequest request = definitions.register(pod(a, b));
        assertEquals("2048", request.cpu());
        assertEquals("6144", request.memory());
        RegisterTaskDefinitionRequest none = definitions.register(pod(new V1Container().name("c").image("z")));
        assertEquals("256", none.cpu());
        assertEquals("512", none.memory());
        assertNull(none.containerDefinitions().get(0).cpu());
    }

    @Test
    void aPodLargerThanFargateIsRefusedWithTheReason() {
        V1Container huge = new V1Container().name("huge").image("x")
                .resources(resources(Map.of("cpu", "20", "memory", "8Gi"), Map.of()));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> definitions.register(pod(huge)));
        assertTrue(e.getMessage().contains("20480 cpu units") && e.getMessage().contains("largest Fargate"),
                e.getMessage());
    }

    @Test
    void runTaskCarriesTheIdempotencyTokenAndThePodTags() {
        V1Pod pod = pod(new V1Container().name("app").image("x"));
        RunTaskRequest run = definitions.run(pod, "arn:td:1", "node-1");
        assertEquals(pod.getMetadata().getUid(), run.clientToken());
        assertEquals(pod.getMetadata().getUid(), run.startedBy());
        assertEquals(LaunchType.FARGATE, run.launchType());
        assertEquals(List.of("subnet-emulated"), run.networkConfiguration().awsvpcConfiguration().subnets());
        assertTrue(run.tags().stream().anyMatch(t -> PodTags.NODE.equals(t.key()) && "node-1".equals(t.value())));
        assertTrue(run.tags().stream().anyMatch(t -> PodTags.POD.equals(t.key()) && "web.v2".equals(t.value())));
    }

    @Test
    void withoutALogGroupThereIsNoLogDriver() {
        AwsConfig d = AwsConfig.defaults();
        AwsConfig noLogs = new AwsConfig(d.region(), d.cluster(), d.subnets(), d.securityGroups(), false,
                d.platformVersion(), Optional.empty(), Optional.empty(), d.capacity(), Optional.empty(), true,
                d.credentials(), d.pollInterval(), d.pendingPollInterval(), d.maxAttempts(), Optional.empty(), d.emulator());
        ContainerDefinition c = new TaskDefinitions(noLogs).register(pod(new V1Container().name("a").image("x")))
                .containerDefinitions().get(0);
        assertNull(c.logConfiguration());
    }
}
