package dev.vkubelet.core.pod;

import dev.vkubelet.core.plugin.ProviderHandle;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The provider of each node the pod controller serves: a pod goes to the provider of its
 * {@code spec.nodeName}. One node and one provider in the simplest case; many nodes may share one
 * provider instance. A replica that shares its node set with others gains and loses nodes while it
 * runs ({@link #serve}, {@link #stopServing}); a pod of a node not (or no longer) here is left alone.
 * Safe for concurrent use.
 */
public final class NodeProviders {

    private final Map<String, ProviderHandle> byNode = new ConcurrentSkipListMap<>();

    private NodeProviders(Map<String, ProviderHandle> byNode) {
        this.byNode.putAll(byNode);
    }

    /** The providers of these nodes (none: a replica that has not gained a node yet). */
    public static NodeProviders of(Map<String, ProviderHandle> byNode) {
        return new NodeProviders(Objects.requireNonNull(byNode, "byNode"));
    }

    /** One node and its provider. */
    public static NodeProviders single(String node, ProviderHandle provider) {
        return of(Map.of(Objects.requireNonNull(node, "node"), Objects.requireNonNull(provider, "provider")));
    }

    /** The provider of {@code node}, or empty when the controller does not serve it. */
    public Optional<ProviderHandle> forNode(String node) {
        return node == null ? Optional.empty() : Optional.ofNullable(byNode.get(node));
    }

    /** Every node served now and its provider, by node name (a snapshot). */
    public Map<String, ProviderHandle> all() {
        return Map.copyOf(byNode);
    }

    /** The distinct provider instances (a provider serving many nodes counts once). */
    public Collection<ProviderHandle> distinct() {
        Set<ProviderHandle> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        seen.addAll(byNode.values());
        return seen;
    }

    /** Starts sending {@code node}'s pods to {@code provider}. */
    void serve(String node, ProviderHandle provider) {
        byNode.put(Objects.requireNonNull(node, "node"), Objects.requireNonNull(provider, "provider"));
    }

    /** Stops sending {@code node}'s pods anywhere; whether it was served. */
    boolean stopServing(String node) {
        return byNode.remove(node) != null;
    }
}
