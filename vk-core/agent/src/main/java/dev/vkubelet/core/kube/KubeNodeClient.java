package dev.vkubelet.core.kube;

import dev.vkubelet.core.ports.NodeClient;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.util.PatchUtils;
import java.util.Objects;
import java.util.Optional;

/** {@link NodeClient} over client-java's {@code CoreV1Api}. */
public final class KubeNodeClient implements NodeClient {

    /** Nodes as a watch last saw them: empty while it has not synced, else the node or its absence. */
    public interface Cache {
        Optional<Optional<V1Node>> node(String name);
    }

    private final ApiClient client;
    private final CoreV1Api api;
    private final Cache cache;

    public KubeNodeClient(ApiClient client) {
        this(client, name -> Optional.empty());
    }

    /** The same, answering {@link #getRecent} from {@code cache} once it has synced. */
    public KubeNodeClient(ApiClient client, Cache cache) {
        this.client = Objects.requireNonNull(client, "client");
        this.api = new CoreV1Api(client);
        this.cache = Objects.requireNonNull(cache, "cache");
    }

    @Override
    public Optional<V1Node> get(String name) {
        return KubeCalls.read("get node " + name, () -> api.readNode(name).execute());
    }

    @Override
    public Optional<V1Node> getRecent(String name) {
        return cache.node(name).orElseGet(() -> get(name));
    }

    @Override
    public V1Node create(V1Node node) {
        String name = node.getMetadata().getName();
        return KubeCalls.create("create node " + name, () -> api.createNode(node).execute());
    }

    @Override
    public V1Node replaceStatus(V1Node node) {
        String name = node.getMetadata().getName();
        return KubeCalls.update("update status of node " + name, () -> api.replaceNodeStatus(name, node).execute());
    }

    @Override
    public V1Node mergePatch(String name, String jsonMergePatch) {
        return KubeCalls.update("patch node " + name, () -> PatchUtils.patch(V1Node.class,
                () -> api.patchNode(name, new V1Patch(jsonMergePatch)).buildCall(null),
                V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, client));
    }
}
