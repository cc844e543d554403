package dev.vkubelet.core.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vkubelet.core.controlplane.LocalControlPlane;
import dev.vkubelet.core.pod.InMemoryProvider;
import dev.vkubelet.core.pod.PodClusterFixture;
import dev.vkubelet.core.testing.LocalControlPlaneExtension;
import dev.vkubelet.provider.ClusterResources;
import dev.vkubelet.provider.testkit.Await;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1ConfigMapKeySelector;
import io.kubernetes.client.openapi.models.V1EnvFromSource;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1EnvVarSource;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1SecretEnvSource;
import io.kubernetes.client.openapi.models.V1SecretKeySelector;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The agent reads a Secret or ConfigMap only by name, when a pod refers to it: under a node's own
 * identity (Node authorizer, NodeRestriction, no RBAC of its own) and under an identity with the
 * manifests' ClusterRole, a pod with Secret and ConfigMap references runs while the identity may not
 * list Secrets; plugins see only what the node's pods refer to.
 */
@ExtendWith(LocalControlPlaneExtension.class)
class LeastPrivilegeIT {

    private final PodClusterFixture cluster;

    LeastPrivilegeIT(LocalControlPlane plane) throws Exception {
        this.cluster = new PodClusterFixture(plane);
    }

    @AfterEach
    void close() throws Exception {
        cluster.close();
    }

    private void createReferencedObjects(String password) throws ApiException {
        CoreV1Api admin = cluster.admin();
        admin.createNamespacedSecret(cluster.namespace(), new V1Secret().metadata(new V1ObjectMeta().name("db"))
                .stringData(Map.of("password", password))).execute();
        admin.createNamespacedSecret(cluster.namespace(), new V1Secret().metadata(new V1ObjectMeta()
                .name("unrelated")).stringData(Map.of("token", "not for this node"))).execute();
        admin.createNamespacedConfigMap(cluster.namespace(), new V1ConfigMap().metadata(new V1ObjectMeta()
                .name("settings")).data(Map.of("mode", "prod"))).execute();
    }

    private static V1Pod referencing(String name) {
        V1Pod pod = PodClusterFixture.pod(name);
        pod.getSpec().getContainers().get(0).env(List.of(
                new V1EnvVar().name("DB_PASSWORD").valueFrom(new V1EnvVarSource().secretKeyRef(
                        new V1SecretKeySelector().name("db").key("password"))),
                new V1EnvVar().name("MODE").valueFrom(new V1EnvVarSource().configMapKeyRef(
                        new V1ConfigMapKeySelector().name("settings").key("mode")))))
                .envFrom(List.of(new V1EnvFromSource().prefix("DB_").secretRef(new V1SecretEnvSource().name("db"))));
        return pod;
    }

    /** Runs a referencing pod on a mock node under {@code kubeconfig}'s identity; checks what it may list. */
    private void runsAPodWithReferencesButCannotListSecrets(Path kubeconfig, boolean nodeIdentity) throws Exception {
        createReferencedObjects("pa55");
        cluster.startMock("--kubeconfig", kubeconfig.toString());
        cluster.create(referencing("refs"));
        cluster.awaitRunning("refs");
        List<String> env = cluster.kubectl("exec", "-n", cluster.namespace(), "refs", "--", "env");
        assertTrue(env.contains("DB_PASSWORD=pa55") && env.contains("MODE=prod") && env.contains("DB_password=pa55"),
                "the backend did not get the referenced values: " + env);

        CoreV1Api as = new CoreV1Api(LocalControlPlane.clientFor(kubeconfig));
        assertEquals(403, assertThrows(ApiException.class, () -> as.listNamespacedSecret(cluster.namespace())
                .execute()).getCode(), "the agent's identity may list Secrets");
        assertEquals(403, assertThrows(ApiException.class, () -> as.listSecretForAllNamespaces().execute())
                .getCode());
        assertEquals(403, assertThrows(ApiException.class, () -> as.listNamespacedConfigMap(cluster.namespace())
                .execute()).getCode(), "the agent's identity may list ConfigMaps");
        if (nodeIdentity) {
            assertEquals(403, assertThrows(ApiException.class, () -> as.readNamespacedSecret("unrelated",
                    cluster.namespace()).execute()).getCode(), "a node reads a Secret none of its pods refers to");
        }
    }

    @Test
    void underTheNodesOwnIdentityAPodWithReferencesRunsAndSecretsCannotBeListed() throws Exception {
        runsAPodWithReferencesButCannotListSecrets(cluster.plane().nodeKubeconfig(cluster.node()), true);
        // NodeRestriction let it register with its taint, without the label nodes may not set
        io.kubernetes.client.openapi.models.V1Node node = cluster.admin().readNode(cluster.node()).execute();
        assertEquals("virtual-kubelet", node.getMetadata().getLabels().get("type"));
        assertTrue(!node.getMetadata().getLabels().containsKey("kubernetes.io/role"), node.getMetadata().getLabels()
                .toString());
        assertEquals("virtual-kubelet.io/provider", node.getSpec().getTaints().get(0).getKey());
    }

    @Test
    void underTheManifestsClusterRoleAPodWithReferencesRunsAndSecretsCannotBeListed() throws Exception {
        runsAPodWithReferencesButCannotListSecrets(cluster.plane().roleKubeconfig("vk-agent-" + cluster.node()),
                false);
    }

    @Test
    void pluginsSeeOnlyTheSecretsAndConfigMapsTheirPodsReferTo() throws Exception {
        createReferencedObjects("plugin-view");
        AtomicReference<ClusterResources> seen = new AtomicReference<>();
        InMemoryProvider backend = new InMemoryProvider(true);
        cluster.startEmbedded(context -> {
            seen.set(context.resources());
            return backend;
        });
        ClusterResources resources = seen.get();
        String ns = cluster.namespace();
        assertTrue(resources.secret(ns, "db").isEmpty(), "a plugin read a Secret no pod refers to yet");
        cluster.create(referencing("viewer"));
        cluster.awaitRunning("viewer");
        Await.until(PodClusterFixture.WAIT, "the referenced Secret visible to the plugin",
                () -> resources.secret(ns, "db").isPresent());
        assertEquals("plugin-view", new String(resources.secret(ns, "db").orElseThrow().getData().get("password"),
                java.nio.charset.StandardCharsets.UTF_8));
        assertTrue(resources.configMap(ns, "settings").isPresent());
        assertTrue(resources.secret(ns, "unrelated").isEmpty(), "a plugin read a Secret no pod refers to");
        assertTrue(resources.configMap(ns, "nope").isEmpty());
    }
}
