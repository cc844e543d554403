package dev.vkubelet.core.pod;

import dev.vkubelet.provider.PodLifecycleHandler;
import dev.vkubelet.provider.PodStatusNotifier;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** Passes every call to an {@link InMemoryProvider}; tests override the calls they want to break. */
class DelegatingProvider implements PodLifecycleHandler, PodStatusNotifier {

    private final InMemoryProvider delegate;

    DelegatingProvider(InMemoryProvider delegate) {
        this.delegate = delegate;
    }

    @Override
    public void createPod(V1Pod pod) {
        delegate.createPod(pod);
    }

    @Override
    public void updatePod(V1Pod pod) {
        delegate.updatePod(pod);
    }

    @Override
    public void deletePod(V1Pod pod) {
        delegate.deletePod(pod);
    }

    @Override
    public Optional<V1Pod> getPod(String namespace, String name) {
        return delegate.getPod(namespace, name);
    }

    @Override
    public Optional<V1PodStatus> getPodStatus(String namespace, String name) {
        return delegate.getPodStatus(namespace, name);
    }

    @Override
    public List<V1Pod> getPods() {
        return delegate.getPods();
    }

    @Override
    public void notifyPods(Consumer<V1Pod> onPodChanged) {
        delegate.notifyPods(onPodChanged);
    }
}
