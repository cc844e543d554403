package dev.vkubelet.provider.testkit;

import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/** Builds pods as the host hands them to providers: bound to a node, with a uid, Pending. */
public final class TestPods {

    private TestPods() {}

    /** A pod with one container named {@code app} running {@code busybox}. */
    public static V1Pod pod(String namespace, String name, String nodeName) {
        return new V1Pod()
                .apiVersion("v1")
                .kind("Pod")
                .metadata(new V1ObjectMeta()
                        .namespace(namespace)
                        .name(name)
                        .uid(UUID.randomUUID().toString())
                        .creationTimestamp(OffsetDateTime.now(ZoneOffset.UTC)))
                .spec(new V1PodSpec()
                        .nodeName(nodeName)
                        .restartPolicy("Always")
                        .containers(List.of(new V1Container()
                                .name("app")
                                .image("busybox:1.36")
                                .command(List.of("sleep", "3600")))))
                .status(new V1PodStatus().phase("Pending"));
    }

    /** A pod whose container {@code app} runs {@code sh -c script} under {@code restartPolicy}. */
    public static V1Pod job(String namespace, String name, String nodeName, String restartPolicy, String script) {
        V1Pod pod = pod(namespace, name, nodeName);
        pod.getSpec().restartPolicy(restartPolicy).containers(List.of(new V1Container().name("app")
                .image("busybox:1.36").command(List.of("sh", "-c", script))));
        return pod;
    }

    /**
     * {@code pod} with a variable {@code name} in its first container whose {@code value} came from
     * key {@code key} of Secret {@code secret}, as the host hands it to {@code createPod}: the value
     * resolved, {@code valueFrom.secretKeyRef} kept beside it.
     */
    public static V1Pod withSecretEnv(V1Pod pod, String name, String value, String secret, String key) {
        pod.getSpec().getContainers().get(0).addEnvItem(new io.kubernetes.client.openapi.models.V1EnvVar().name(name)
                .value(value).valueFrom(new io.kubernetes.client.openapi.models.V1EnvVarSource().secretKeyRef(
                        new io.kubernetes.client.openapi.models.V1SecretKeySelector().name(secret).key(key))));
        return pod;
    }

    /**
     * Creates 0, 1, 2, 0, 1, 2 … pods on nodes {@code node-0} … {@code node-(nodes-1)}, each through
     * the provider {@code providerOf} gives for its node; returns the pods' names by node.
     */
    public static java.util.Map<String, java.util.List<String>> createdOnNodes(int nodes,
            java.util.function.Function<String, dev.vkubelet.provider.PodLifecycleHandler> providerOf) {
        java.util.Map<String, java.util.List<String>> created = new java.util.TreeMap<>();
        for (int n = 0; n < nodes; n++) {
            String node = "node-" + n;
            dev.vkubelet.provider.PodLifecycleHandler provider = providerOf.apply(node);
            java.util.List<String> names = new java.util.ArrayList<>();
            for (int i = 0; i < n % 3; i++) {
                String name = node + "-pod-" + i;
                provider.createPod(pod("default", name, node));
                names.add(name);
            }
            created.put(node, names);
        }
        return created;
    }
}
