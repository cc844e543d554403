package dev.vkubelet.core.kube;

import com.google.gson.reflect.TypeToken;
import io.kubernetes.client.informer.ListerWatcher;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeList;
import io.kubernetes.client.util.CallGeneratorParams;
import io.kubernetes.client.util.Watch;
import io.kubernetes.client.util.Watchable;
import java.util.Objects;
import java.util.Set;

/**
 * The nodes of a set, for one informer: the API server lists and watches the one node
 * ({@code metadata.name=NODE}) or, for several, the virtual nodes ({@code type=virtual-kubelet}, the
 * label every node the agent registers has; a field selector cannot name several nodes), and this
 * keeps only those of the set. Events are decoded by {@link ModelWatch}.
 */
final class NodeSetNodes implements ListerWatcher<V1Node, V1NodeList> {

    private static final String VIRTUAL = "type=virtual-kubelet";

    private final ApiClient client;
    private final CoreV1Api api;
    private final Set<String> nodes;
    private final String labels;
    private final String fields;

    NodeSetNodes(ApiClient client, Set<String> nodes) {
        this.client = Objects.requireNonNull(client, "client");
        this.api = new CoreV1Api(client);
        this.nodes = Set.copyOf(nodes);
        boolean one = this.nodes.size() == 1;
        this.labels = one ? null : VIRTUAL;
        this.fields = one ? "metadata.name=" + this.nodes.iterator().next() : null;
    }

    private boolean ours(V1Node node) {
        return node != null && node.getMetadata() != null && nodes.contains(node.getMetadata().getName());
    }

    @Override
    public V1NodeList list(CallGeneratorParams params) throws ApiException {
        V1NodeList all = api.listNode().labelSelector(labels).fieldSelector(fields)
                .resourceVersion(params.resourceVersion)
                .timeoutSeconds(params.timeoutSeconds).execute();
        all.setItems(all.getItems().stream().filter(this::ours).toList());
        return all;
    }

    @Override
    public Watchable<V1Node> watch(CallGeneratorParams params) throws ApiException {
        okhttp3.Call call = api.listNode().labelSelector(labels).fieldSelector(fields)
                .resourceVersion(params.resourceVersion)
                .timeoutSeconds(params.timeoutSeconds).watch(true).buildCall(null);
        Watchable<V1Node> watch = ModelWatch.start(client, call,
                new TypeToken<Watch.Response<V1Node>>() {}.getType());
        return new FilteredWatch<>(watch, this::ours);
    }
}
