package dev.vkubelet.core.ports;

import io.kubernetes.client.openapi.models.V1Node;
import java.util.Optional;

/** What the node controller needs of the Node API. */
public interface NodeClient {

    /** The node, or empty when it does not exist. */
    Optional<V1Node> get(String name);

    /**
     * The node as recently seen, or empty when it does not exist: a watch's cache may answer (no
     * request), so it can be a moment old. For checks that run often (each heartbeat); writes read
     * with {@link #get}.
     */
    default Optional<V1Node> getRecent(String name) {
        return get(name);
    }

    /** Creates the node (metadata, spec and status). Throws {@link ObjectExists}. */
    V1Node create(V1Node node);

    /**
     * Replaces the node's status ({@code nodes/status}), guarded by the node's resourceVersion.
     * Throws {@link ObjectConflict} when the node changed, {@link ObjectMissing} when it is gone.
     */
    V1Node replaceStatus(V1Node node);

    /**
     * Applies a JSON merge patch to the node (metadata and spec). Include
     * {@code metadata.resourceVersion} in the patch to make it conditional.
     */
    V1Node mergePatch(String name, String jsonMergePatch);
}
