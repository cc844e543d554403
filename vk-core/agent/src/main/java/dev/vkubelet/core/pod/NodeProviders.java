package dev.vkubelet.core.pod;

import dev.vkubelet.core.plugin.ProviderHandle;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The provider of each node the pod controller serves: a pod goes to the provider of its
 * {@code spec.nodeName}. One node and one provider in the simplest case; many nodes may share one
 * provider instance. Immutable.
 */
public final class NodeProviders {

    private final Map<String, ProviderHandle> byNode;

    private NodeProviders(Map<String, ProviderHandle> byNode) {
        if (byNode.isEmpty()) {
            throw new IllegalArgumentException("a pod controller serves at least one node");
        }
        this.byNode = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(byNode));
    }

    /** The providers of these nodes, in this order. */
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

    /** Every node served and its provider. */
    public Map<String, ProviderHandle> all() {
        return byNode;
    }

    /** The distinct provider instances (a provider serving many nodes counts once). */
    public java.util.Collection<ProviderHandle> distinct() {
        java.util.Set<ProviderHandle> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        seen.addAll(byNode.values());
        return seen;
    }
}
