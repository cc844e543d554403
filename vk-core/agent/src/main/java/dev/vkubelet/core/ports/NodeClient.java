package dev.vkubelet.core.ports;

import io.kubernetes.client.openapi.models.V1Node;
import java.util.Optional;

/** What the node controller needs of the Node API. */
public interface NodeClient {

    /** The node, or empty when it does not exist. */
    Optional<V1Node> get(String name);

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
