package dev.vkubelet.core.kubeletapi;

import dev.vkubelet.core.ports.PodIndex;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1ListMeta;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodList;
import java.util.ArrayList;
import java.util.List;

/**
 * The pod lists of {@code /pods} and {@code /runningpods/}, both rendered from the API objects the
 * pod watch holds, as the kubelet serves them: they carry Secret references, never the values the
 * provider was given. {@code /runningpods/} lists the pods the provider says it runs.
 */
final class PodLists {

    private PodLists() {}

    /** Every pod bound to the node, as the API server has it. */
    static String pods(PodIndex index) {
        return json(index.list());
    }

    /**
     * The pods {@code running} names, each as the API server has it; a pod the API server no longer
     * has is listed by namespace, name and uid only.
     */
    static String running(PodIndex index, List<V1Pod> running) {
        List<V1Pod> items = new ArrayList<>(running.size());
        for (V1Pod pod : running) {
            V1ObjectMeta meta = pod.getMetadata();
            if (meta == null || meta.getNamespace() == null || meta.getName() == null) {
                continue;
            }
            items.add(index.get(meta.getNamespace(), meta.getName()).orElseGet(() -> new V1Pod().apiVersion("v1")
                    .kind("Pod").metadata(new V1ObjectMeta().namespace(meta.getNamespace()).name(meta.getName())
                            .uid(meta.getUid()))));
        }
        return json(items);
    }

    private static String json(List<V1Pod> items) {
        return JSON.serialize(new V1PodList().apiVersion("v1").kind("PodList").metadata(new V1ListMeta())
                .items(items));
    }
}
