package dev.vkubelet.provider.cloudkit;

import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The pods a cloud provider runs, by {@code namespace/name}, and the host's callback for their
 * status changes: the parts of {@code PodLifecycleHandler} and {@code PodStatusNotifier} that do
 * not depend on the backend.
 *
 * @param <T> the provider's record of a pod
 */
public final class TrackedPods<T extends TrackedPod> {

    private final Map<String, T> byKey = new ConcurrentHashMap<>();
    private volatile Consumer<V1Pod> listener = pod -> {};

    public Optional<T> get(String namespace, String name) {
        return Optional.ofNullable(byKey.get(TrackedPod.key(namespace, name)));
    }

    public Optional<T> get(V1Pod pod) {
        return Optional.ofNullable(byKey.get(TrackedPod.key(pod)));
    }

    public void put(T tracked) {
        byKey.put(tracked.key(), tracked);
    }

    /** Removes {@code tracked} if it is still the record of its pod; tells whether it did. */
    public boolean remove(T tracked) {
        return byKey.remove(tracked.key(), tracked);
    }

    /** Whether {@code tracked} is still the record of its pod. */
    public boolean current(T tracked) {
        return byKey.get(tracked.key()) == tracked;
    }

    /** A snapshot of the records. */
    public List<T> all() {
        return List.copyOf(byKey.values());
    }

    public int size() {
        return byKey.size();
    }

    /** The pod with its status, as {@code getPod} answers. */
    public Optional<V1Pod> pod(String namespace, String name) {
        return get(namespace, name).map(TrackedPod::snapshot);
    }

    /** The status, as {@code getPodStatus} answers. */
    public Optional<V1PodStatus> status(String namespace, String name) {
        return pod(namespace, name).map(V1Pod::getStatus);
    }

    /** Every pod with its status, as {@code getPods} answers. */
    public List<V1Pod> pods() {
        List<V1Pod> pods = new ArrayList<>();
        for (T tracked : byKey.values()) {
            pods.add(tracked.snapshot());
        }
        return pods;
    }

    /** Registers the host's callback ({@code notifyPods}). */
    public void listen(Consumer<V1Pod> onPodChanged) {
        this.listener = Objects.requireNonNull(onPodChanged, "onPodChanged");
    }

    /** Tells the host the pod's current status; call it without holding the record's lock. */
    public void report(T tracked) {
        listener.accept(tracked.snapshot());
    }
}
