package dev.vkubelet.core.ports;

import io.kubernetes.client.openapi.models.V1Pod;
import java.util.List;
import java.util.Optional;

/**
 * The pods bound to this node as the watch last saw them (an informer cache). Objects are shared:
 * never mutate them.
 */
public interface PodIndex {

    /** The pod, or empty when the cache does not have it. */
    Optional<V1Pod> get(String namespace, String name);

    /** Every cached pod. */
    List<V1Pod> list();

    /** Whether the cache has been filled by a complete list at least once. */
    boolean hasSynced();
}
