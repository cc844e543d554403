package dev.vkubelet.provider;

import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import java.util.List;
import java.util.Optional;

/**
 * A read-only view of cluster objects a provider may need to run a pod (for example to mount a
 * ConfigMap volume). The host shows a ConfigMap or Secret only while a pod of the provider's node
 * refers to it (else it is empty, as if it did not exist); it reads them by name, when asked.
 * Returned objects are shared: do not mutate them.
 */
public interface ClusterResources {

    /** The ConfigMap, or empty when it does not exist. */
    Optional<V1ConfigMap> configMap(String namespace, String name);

    /** The Secret, or empty when it does not exist. */
    Optional<V1Secret> secret(String namespace, String name);

    /** The Services of a namespace. */
    List<V1Service> services(String namespace);

    /** A view that holds nothing. */
    static ClusterResources empty() {
        return new ClusterResources() {
            @Override
            public Optional<V1ConfigMap> configMap(String namespace, String name) {
                return Optional.empty();
            }

            @Override
            public Optional<V1Secret> secret(String namespace, String name) {
                return Optional.empty();
            }

            @Override
            public List<V1Service> services(String namespace) {
                return List.of();
            }
        };
    }
}
