package dev.vkubelet.core.kube;

import com.google.gson.reflect.TypeToken;
import io.kubernetes.client.informer.ListerWatcher;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodList;
import io.kubernetes.client.util.CallGeneratorParams;
import io.kubernetes.client.util.Watch;
import io.kubernetes.client.util.Watchable;
import java.util.Objects;
import java.util.Set;

/**
 * The pods of a set of nodes, for one informer: the API server lists and watches the pods of the one
 * node ({@code spec.nodeName=NODE}) or, for several, every scheduled pod ({@code spec.nodeName!=}, a
 * field selector cannot name several nodes), and this keeps only those of the set, so the informer's
 * cache holds this process's pods and no others. A pod never changes node, so a pod of another node is
 * dropped for good. Events are decoded by {@link ModelWatch}. No watch bookmarks: client-java cannot
 * parse a bookmark's empty pod (its {@code spec.containers} is null), and fails the watch.
 */
public final class NodeSetPods implements ListerWatcher<V1Pod, V1PodList> {

    private static final String SCHEDULED = "spec.nodeName!=";

    private final ApiClient client;
    private final CoreV1Api api;
    private final Set<String> nodes;
    private final String namespace;
    private final String selector;

    /** The pods of {@code nodes} in {@code namespace} (empty: all namespaces). */
    public NodeSetPods(ApiClient client, Set<String> nodes, String namespace) {
        this.client = Objects.requireNonNull(client, "client");
        this.api = new CoreV1Api(client);
        this.nodes = Set.copyOf(nodes);
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.selector = this.nodes.size() == 1 ? "spec.nodeName=" + this.nodes.iterator().next() : SCHEDULED;
    }

    boolean ours(V1Pod pod) {
        return pod != null && pod.getSpec() != null && nodes.contains(pod.getSpec().getNodeName());
    }

    @Override
    public V1PodList list(CallGeneratorParams params) throws ApiException {
        V1PodList all = namespace.isEmpty()
                ? api.listPodForAllNamespaces().fieldSelector(selector).resourceVersion(params.resourceVersion)
                        .timeoutSeconds(params.timeoutSeconds).execute()
                : api.listNamespacedPod(namespace).fieldSelector(selector).resourceVersion(params.resourceVersion)
                        .timeoutSeconds(params.timeoutSeconds).execute();
        all.setItems(all.getItems().stream().filter(this::ours).toList());
        return all;
    }

    @Override
    public Watchable<V1Pod> watch(CallGeneratorParams params) throws ApiException {
        okhttp3.Call call = namespace.isEmpty()
                ? api.listPodForAllNamespaces().fieldSelector(selector).resourceVersion(params.resourceVersion)
                        .timeoutSeconds(params.timeoutSeconds).watch(true).buildCall(null)
                : api.listNamespacedPod(namespace).fieldSelector(selector).resourceVersion(params.resourceVersion)
                        .timeoutSeconds(params.timeoutSeconds).watch(true).buildCall(null);
        Watchable<V1Pod> watch = ModelWatch.start(client, call, new TypeToken<Watch.Response<V1Pod>>() {}.getType());
        return new FilteredWatch<>(watch, this::ours);
    }
}
