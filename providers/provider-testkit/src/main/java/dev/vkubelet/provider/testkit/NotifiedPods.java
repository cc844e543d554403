package dev.vkubelet.provider.testkit;

import io.kubernetes.client.openapi.models.V1Pod;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The host's side of {@code PodStatusNotifier} for tests: keeps the last pod each notification
 * carried, by pod name, and waits for a pod to be notified in a phase.
 */
public final class NotifiedPods implements Consumer<V1Pod> {

    private final Map<String, V1Pod> last = new ConcurrentHashMap<>();

    @Override
    public void accept(V1Pod pod) {
        last.put(pod.getMetadata().getName(), pod);
    }

    /** The last notification about {@code name}, or null. */
    public V1Pod get(String name) {
        return last.get(name);
    }

    /** Waits until {@code name} is notified in {@code phase}; returns that pod. */
    public V1Pod await(Duration timeout, String name, String phase) {
        return Await.until(timeout, name + " notified " + phase, () -> Optional.ofNullable(last.get(name))
                .filter(p -> p.getStatus() != null && phase.equals(p.getStatus().getPhase())));
    }

    /** Forgets every notification so far. */
    public void clear() {
        last.clear();
    }
}
