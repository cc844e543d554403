package dev.vkubelet.core.ports;

import io.kubernetes.client.openapi.models.V1Lease;
import java.util.Optional;

/** What the node controller needs of the coordination.k8s.io Lease API. */
public interface LeaseClient {

    /** The lease, or empty when it does not exist. */
    Optional<V1Lease> get(String namespace, String name);

    /** Creates the lease. Throws {@link ObjectExists}. */
    V1Lease create(V1Lease lease);

    /** Replaces the lease, guarded by its resourceVersion. Throws {@link ObjectConflict}, {@link ObjectMissing}. */
    V1Lease update(V1Lease lease);
}
