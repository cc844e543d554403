package dev.vkubelet.core.ports;

import io.kubernetes.client.openapi.models.V1Pod;
import java.util.Optional;

/** What the pod controller needs of the Pod API: read fresh, write status, remove. */
public interface PodClient {

    /** The pod as the API server has it now (not from a cache), or empty when it does not exist. */
    Optional<V1Pod> get(String namespace, String name);

    /**
     * Replaces the pod's status ({@code pods/status}) only, guarded by the pod's resourceVersion;
     * {@code pod} needs its metadata and status (the API server keeps the spec it has). Throws
     * {@link ObjectConflict} when the pod changed, {@link ObjectMissing} when it is gone.
     */
    void replaceStatus(V1Pod pod);

    /**
     * Deletes the pod object now (grace period 0) if it still has {@code uid}. Returns false when
     * it was gone already or has another uid (a new pod of the same name).
     */
    boolean deleteNow(String namespace, String name, String uid);
}
