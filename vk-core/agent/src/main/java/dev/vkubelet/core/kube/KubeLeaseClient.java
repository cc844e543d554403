package dev.vkubelet.core.kube;

import dev.vkubelet.core.ports.LeaseClient;
import dev.vkubelet.core.ports.LeaseStore;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import io.kubernetes.client.openapi.models.V1Lease;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** {@link LeaseClient} and {@link LeaseStore} over client-java's {@code CoordinationV1Api}. */
public final class KubeLeaseClient implements LeaseStore {

    private final CoordinationV1Api api;

    public KubeLeaseClient(ApiClient client) {
        this.api = new CoordinationV1Api(Objects.requireNonNull(client, "client"));
    }

    @Override
    public Optional<V1Lease> get(String namespace, String name) {
        return KubeCalls.read("get lease " + namespace + "/" + name,
                () -> api.readNamespacedLease(name, namespace).execute());
    }

    @Override
    public V1Lease create(V1Lease lease) {
        String ns = lease.getMetadata().getNamespace();
        return KubeCalls.create("create lease " + ns + "/" + lease.getMetadata().getName(),
                () -> api.createNamespacedLease(ns, lease).execute());
    }

    @Override
    public V1Lease update(V1Lease lease) {
        String ns = lease.getMetadata().getNamespace();
        String name = lease.getMetadata().getName();
        return KubeCalls.update("update lease " + ns + "/" + name,
                () -> api.replaceNamespacedLease(name, ns, lease).execute());
    }

    @Override
    public List<V1Lease> list(String namespace, String labelSelector) {
        return KubeCalls.read("list leases in " + namespace + " (" + labelSelector + ")",
                () -> api.listNamespacedLease(namespace).labelSelector(labelSelector).execute())
                .map(l -> l.getItems()).orElse(List.of());
    }
}
