package dev.vkubelet.provider;

import io.kubernetes.client.openapi.models.V1Pod;
import java.util.function.Consumer;

/**
 * Optional capability: the provider pushes pod status changes instead of being polled. A provider
 * without it is polled by the host.
 */
public interface PodStatusNotifier {

    /**
     * Registers the host's callback. Called once, before any pod is created. The provider calls
     * {@code onPodChanged} (from any thread, without holding its own locks) with the pod whenever
     * its status changes; the host copies what it needs and never blocks long in the callback.
     */
    void notifyPods(Consumer<V1Pod> onPodChanged);
}
