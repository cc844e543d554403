package dev.vkubelet.core.pod;

import dev.vkubelet.provider.PodLifecycleHandler;
import dev.vkubelet.provider.PodStatusNotifier;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Passes every lifecycle call to another provider; tests override the calls they want to break.
 * It does not notify status (the host polls it); {@link Notifying} does.
 */
public class DelegatingProvider implements PodLifecycleHandler {

    private final PodLifecycleHandler delegate;

    public DelegatingProvider(PodLifecycleHandler delegate) {
        this.delegate = delegate;
    }

    /** A delegating provider that also passes on the status notification subscription. */
    public static class Notifying extends DelegatingProvider implements PodStatusNotifier {

        private final InMemoryProvider backend;

        public Notifying(InMemoryProvider backend) {
            super(backend);
            this.backend = backend;
        }

        @Override
        public void notifyPods(Consumer<V1Pod> onPodChanged) {
            backend.notifyPods(onPodChanged);
        }
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
    public boolean releasing(String namespace, String name) {
        return delegate.releasing(namespace, name);
    }

    @Override
    public List<V1Pod> getPods() {
        return delegate.getPods();
    }
}
