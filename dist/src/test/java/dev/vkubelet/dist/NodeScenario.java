package dev.vkubelet.dist;

import dev.vkubelet.provider.testkit.Await;
import dev.vkubelet.provider.testkit.TrustAll;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1ConfigMapKeySelector;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1EnvVarSource;
import io.kubernetes.client.openapi.models.V1Lease;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeCondition;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1SecretKeySelector;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1ServiceSpec;
import io.kubernetes.client.openapi.models.V1Toleration;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.HttpsURLConnection;

/**
 * What a node agent must do for its cluster, checked step by step from the outside (as a cluster
 * admin): register its node, keep its lease, run a pod whose environment comes from a ConfigMap, a
 * Secret and a Service, write the pod's status, record events, answer the kubelet API (a bearer
 * token, so TokenReview and SubjectAccessReview), serve logs through the API server, and remove the
 * pod when it is deleted. The first step that does not happen in time is the result.
 */
final class NodeScenario {

    /** The steps, in the order they are checked. */
    enum Step {
        REGISTERS_NODE("register its node"),
        ANSWERS_PROBES("answer /healthz at its kubelet API without credentials"),
        RENEWS_LEASE("renew its lease"),
        RUNS_POD("run a pod and write its status"),
        RECORDS_EVENTS("record the pod's events"),
        ANSWERS_KUBELET_API("answer a bearer-token request at its kubelet API"),
        SERVES_LOGS("serve logs through the API server"),
        DELETES_POD("remove the deleted pod");

        final String description;

        Step(String description) {
            this.description = description;
        }
    }

    /** The step that did not happen, and what was seen instead. */
    record Failure(Step step, String detail) {
        @Override
        public String toString() {
            return "cannot " + step.description + ": " + detail;
        }
    }

    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration STEP = Duration.ofSeconds(45);

    private final ApiClient admin;
    private final Path adminKubeconfig;
    private final Path kubectl;
    private final String node;
    private final String namespace;
    private final String readerToken;
    private final String probePath;

    /**
     * @param kubectl the kubectl to read logs with
     * @param readerToken a bearer token of a user allowed {@code get} on {@code nodes/proxy}
     * @param probePath a path the kubelet API answers without credentials
     */
    NodeScenario(ApiClient admin, Path adminKubeconfig, Path kubectl, String node, String namespace, String readerToken,
            String probePath) {
        this.admin = admin;
        this.adminKubeconfig = adminKubeconfig;
        this.kubectl = kubectl;
        this.node = node;
        this.namespace = namespace;
        this.readerToken = readerToken;
        this.probePath = probePath;
    }

    /** Runs every step; empty when all happened. */
    Optional<Failure> run() throws InterruptedException {
        CoreV1Api core = new CoreV1Api(admin);
        Step step = Step.REGISTERS_NODE;
        try {
            V1Node registered = Await.until(START, "node " + node, () -> read(() -> core.readNode(node).execute()));
            Await.until(STEP, "node " + node + " Ready", () -> read(() -> core.readNode(node).execute())
                    .filter(NodeScenario::ready));

            step = Step.ANSWERS_PROBES;
            int port = registered.getStatus().getDaemonEndpoints().getKubeletEndpoint().getPort();
            kubeletGet(port, probePath, null);

            step = Step.RENEWS_LEASE;
            CoordinationV1Api coordination = new CoordinationV1Api(admin);
            V1Lease first = Await.until(STEP, "lease " + node, () -> read(
                    () -> coordination.readNamespacedLease(node, "kube-node-lease").execute()));
            OffsetDateTime renewed = first.getSpec().getRenewTime();
            Await.until(STEP, "lease " + node + " renewed after " + renewed, () -> read(
                    () -> coordination.readNamespacedLease(node, "kube-node-lease").execute())
                    .filter(l -> l.getSpec().getRenewTime() != null && l.getSpec().getRenewTime().isAfter(renewed)));

            step = Step.RUNS_POD;
            V1Pod pod = createPod(core);
            String name = pod.getMetadata().getName();
            Await.until(STEP, "pod " + namespace + "/" + name + " Running and ready", () -> read(
                    () -> core.readNamespacedPod(name, namespace).execute()).filter(p -> p.getStatus() != null
                    && "Running".equals(p.getStatus().getPhase()) && p.getStatus().getContainerStatuses() != null
                    && p.getStatus().getContainerStatuses().stream().allMatch(c -> Boolean.TRUE.equals(c.getReady()))));

            step = Step.RECORDS_EVENTS;
            Await.until(STEP, "event ProviderCreateSuccess of pod " + name, () -> read(
                    () -> core.listNamespacedEvent(namespace).fieldSelector("involvedObject.name=" + name).execute())
                    .flatMap(list -> list.getItems().stream()
                            .filter(e -> "ProviderCreateSuccess".equals(e.getReason())).findFirst()
                            .map(CoreV1Event::getReason)));

            step = Step.ANSWERS_KUBELET_API;
            String pods = kubeletGet(port, "/pods", readerToken);
            if (!pods.contains("\"" + name + "\"")) {
                return Optional.of(new Failure(step, "GET /pods does not list " + name + ": " + pods));
            }

            step = Step.SERVES_LOGS;
            Processes.Result logs = Processes.run(List.of(kubectl.toString(), "--kubeconfig", adminKubeconfig.toString(), "logs",
                    "-n", namespace, name), Path.of("."), Map.of(), STEP);
            if (logs.exit() != 0) {
                return Optional.of(new Failure(step, "kubectl logs: " + logs.text()));
            }

            step = Step.DELETES_POD;
            core.deleteNamespacedPod(name, namespace).execute();
            Await.until(STEP, "pod " + name + " removed", () -> read(
                    () -> core.readNamespacedPod(name, namespace).execute()).isEmpty());
            return Optional.empty();
        } catch (AssertionError | ApiException | IOException e) {
            String detail = e.getMessage() + (e instanceof ApiException a ? " " + a.getResponseBody() : "");
            return Optional.of(new Failure(step, detail));
        }
    }

    private static boolean ready(V1Node node) {
        List<V1NodeCondition> conditions = node.getStatus() == null ? null : node.getStatus().getConditions();
        return conditions != null && conditions.stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /** A pod bound to the node whose environment needs the ConfigMap, Secret and Service informers. */
    private V1Pod createPod(CoreV1Api core) throws ApiException {
        core.createNamespace(new V1Namespace().metadata(new V1ObjectMeta().name(namespace))).execute();
        core.createNamespacedConfigMap(namespace, new V1ConfigMap().metadata(new V1ObjectMeta().name("settings"))
                .data(Map.of("mode", "fast"))).execute();
        core.createNamespacedSecret(namespace, new V1Secret().metadata(new V1ObjectMeta().name("credentials"))
                .stringData(Map.of("password", "hunter2"))).execute();
        core.createNamespacedService(namespace, new V1Service().metadata(new V1ObjectMeta().name("backend"))
                .spec(new V1ServiceSpec().selector(Map.of("app", "backend"))
                        .ports(List.of(new V1ServicePort().port(8080))))).execute();
        V1Pod pod = new V1Pod().metadata(new V1ObjectMeta().name("web").namespace(namespace))
                .spec(new V1PodSpec().nodeName(node).overhead(null)
                        .tolerations(List.of(new V1Toleration().key("virtual-kubelet.io/provider").operator("Exists")))
                        .containers(List.of(new V1Container().name("app").image("nginx").env(List.of(
                                new V1EnvVar().name("MODE").valueFrom(new V1EnvVarSource().configMapKeyRef(
                                        new V1ConfigMapKeySelector().name("settings").key("mode"))),
                                new V1EnvVar().name("PASSWORD").valueFrom(new V1EnvVarSource().secretKeyRef(
                                        new V1SecretKeySelector().name("credentials").key("password"))))))));
        return core.createNamespacedPod(namespace, pod).execute();
    }

    /** GET on the kubelet API, with a bearer token unless it is null; the body of a 200, else an IOException. */
    private static String kubeletGet(int port, String path, String token) throws IOException {
        HttpsURLConnection connection = (HttpsURLConnection) new URL("https://127.0.0.1:" + port + path)
                .openConnection();
        try {
            connection.setSSLSocketFactory(TrustAll.context(null).getSocketFactory());
        } catch (Exception e) {
            throw new IOException("cannot set up TLS: " + e, e);
        }
        connection.setHostnameVerifier((host, session) -> true);
        if (token != null) {
            connection.setRequestProperty("Authorization", "Bearer " + token);
        }
        connection.setConnectTimeout(10_000);
        connection.setReadTimeout(30_000);
        int code = connection.getResponseCode();
        try (InputStream body = code >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
            String text = body == null ? "" : new String(body.readAllBytes(), StandardCharsets.UTF_8);
            if (code != 200) {
                throw new IOException("GET " + path + " answered " + code + ": " + text.strip());
            }
            return text;
        }
    }

    private interface Call<T> {
        T call() throws ApiException;
    }

    /** The object, or empty when it does not exist (yet); other API errors fail the step. */
    private static <T> Optional<T> read(Call<T> call) {
        try {
            return Optional.of(call.call());
        } catch (ApiException e) {
            if (e.getCode() == 404) {
                return Optional.empty();
            }
            throw new AssertionError("HTTP " + e.getCode() + ": " + e.getResponseBody(), e);
        }
    }
}
