package dev.vkubelet.core.kube;

import dev.vkubelet.provider.ClusterResources;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link ClusterResources} that reads from the API server on each call. The pod controller
 * replaces it with an informer-backed view.
 */
public final class KubeClusterResources implements ClusterResources {

    private final CoreV1Api api;

    public KubeClusterResources(ApiClient client) {
        this.api = new CoreV1Api(Objects.requireNonNull(client, "client"));
    }

    @Override
    public Optional<V1ConfigMap> configMap(String namespace, String name) {
        return KubeCalls.read("get configmap " + namespace + "/" + name,
                () -> api.readNamespacedConfigMap(name, namespace).execute());
    }

    @Override
    public Optional<V1Secret> secret(String namespace, String name) {
        return KubeCalls.read("get secret " + namespace + "/" + name,
                () -> api.readNamespacedSecret(name, namespace).execute());
    }

    @Override
    public List<V1Service> services(String namespace) {
        return KubeCalls.update("list services in " + namespace,
                () -> api.listNamespacedService(namespace).execute().getItems());
    }
}
