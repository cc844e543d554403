package dev.vkubelet.core.kube;

import dev.vkubelet.core.ports.ApiFailure;
import dev.vkubelet.core.ports.PodClient;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1DeleteOptions;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Preconditions;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link PodClient} over client-java's {@code CoreV1Api}. The answers to status writes and deletions
 * (whole pods) are not decoded: only their status codes matter, and decoding them cost the agent
 * CPU that the API server, on the same cores in a burst, was waiting for.
 */
public final class KubePodClient implements PodClient {

    private final CoreV1Api api;

    public KubePodClient(ApiClient client) {
        this.api = new CoreV1Api(Objects.requireNonNull(client, "client"));
    }

    @Override
    public Optional<V1Pod> get(String namespace, String name) {
        return KubeCalls.read("get pod " + namespace + "/" + name,
                () -> api.readNamespacedPod(name, namespace).execute());
    }

    @Override
    public void replaceStatus(V1Pod pod) {
        String ns = pod.getMetadata().getNamespace();
        String name = pod.getMetadata().getName();
        KubeCalls.update("update status of pod " + ns + "/" + name,
                () -> KubeCalls.unread(api.replaceNamespacedPodStatus(name, ns, pod).buildCall(null)));
    }

    @Override
    public boolean deleteNow(String namespace, String name, String uid) {
        V1DeleteOptions options = new V1DeleteOptions().gracePeriodSeconds(0L)
                .preconditions(new V1Preconditions().uid(uid));
        try {
            KubeCalls.unread(api.deleteNamespacedPod(name, namespace).gracePeriodSeconds(0).body(options)
                    .buildCall(null));
            return true;
        } catch (ApiException e) {
            if (e.getCode() == 404 || e.getCode() == 409) {
                return false;
            }
            ApiFailure failure = KubeCalls.failure("delete pod " + namespace + "/" + name, e, false);
            throw failure;
        }
    }
}
