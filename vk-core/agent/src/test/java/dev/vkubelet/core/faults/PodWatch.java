package dev.vkubelet.core.faults;

import com.google.gson.reflect.TypeToken;
import dev.vkubelet.core.controlplane.LocalControlPlane;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.util.Watch;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Every version of the pods of a namespace, as a watch delivers them: what the agent ever wrote. */
final class PodWatch implements AutoCloseable {

    private final List<V1Pod> seen = new CopyOnWriteArrayList<>();
    private final Watch<V1Pod> watch;
    private final Thread reader;

    PodWatch(LocalControlPlane plane, String namespace) throws Exception {
        ApiClient client = LocalControlPlane.clientFor(plane.adminKubeconfig());
        client.setReadTimeout(0);
        watch = Watch.createWatch(client, new CoreV1Api(client).listNamespacedPod(namespace).watch(true)
                .buildCall(null), new TypeToken<Watch.Response<V1Pod>>() {}.getType());
        reader = new Thread(() -> {
            try {
                for (Watch.Response<V1Pod> event : watch) {
                    if (event.object != null) {
                        seen.add(event.object);
                    }
                }
            } catch (RuntimeException e) {
                // closed
            }
        }, "pod-watch-" + namespace);
        reader.setDaemon(true);
        reader.start();
    }

    /** The phases seen, in order. */
    List<String> phases() {
        return seen.stream().map(p -> p.getStatus() == null ? null : p.getStatus().getPhase()).toList();
    }

    @Override
    public void close() throws IOException {
        watch.close();
    }
}
