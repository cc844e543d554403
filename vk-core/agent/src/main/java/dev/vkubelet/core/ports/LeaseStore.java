package dev.vkubelet.core.ports;

import io.kubernetes.client.openapi.models.V1Lease;
import java.util.List;

/** The Lease API as replicas that share nodes need it: {@link LeaseClient} and listing by label. */
public interface LeaseStore extends LeaseClient {

    /** The leases of {@code namespace} whose labels match {@code labelSelector}. */
    List<V1Lease> list(String namespace, String labelSelector);
}
