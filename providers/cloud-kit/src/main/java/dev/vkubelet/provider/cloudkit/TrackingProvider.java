package dev.vkubelet.provider.cloudkit;

import dev.vkubelet.provider.PodLifecycleHandler;
import dev.vkubelet.provider.PodStatusNotifier;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The part of a cloud provider that answers from what it tracks: {@code getPod},
 * {@code getPodStatus}, {@code getPods}, {@code releasing}, and pushing status changes to the host.
 *
 * @param <T> the provider's record of a pod
 */
public abstract class TrackingProvider<T extends TrackedPod> implements PodLifecycleHandler, PodStatusNotifier {

    /** The pods this provider runs. */
    protected final TrackedPods<T> records = new TrackedPods<>();

    @Override
    public void notifyPods(Consumer<V1Pod> onPodChanged) {
        records.listen(onPodChanged);
    }

    @Override
    public Optional<V1Pod> getPod(String namespace, String name) {
        return records.pod(namespace, name);
    }

    @Override
    public Optional<V1PodStatus> getPodStatus(String namespace, String name) {
        return records.status(namespace, name);
    }

    @Override
    public List<V1Pod> getPods() {
        return records.pods();
    }

    /** A deleted pod's record lives until its backend resources are released (see {@link TrackedPod#deleting}). */
    @Override
    public boolean releasing(String namespace, String name) {
        return records.get(namespace, name).map(r -> {
            synchronized (r) {
                return r.deleting;
            }
        }).orElse(false);
    }
}
