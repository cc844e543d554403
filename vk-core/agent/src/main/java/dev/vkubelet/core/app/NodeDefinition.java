package dev.vkubelet.core.app;

import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1Taint;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One node of the process and what makes it: its name, provider and the provider's configuration,
 * operating system, the agent's taint (applied when {@code taintEnabled}, removed when not), more
 * taints, labels beyond the host's, and a capacity that overrides the provider's. From the flags'
 * template ({@code --nodename}, {@code --node-count}) every node has the same; from
 * {@code --nodes-config} each its own.
 */
public record NodeDefinition(String name, String provider, Optional<Path> providerConfig, String operatingSystem,
        V1Taint taint, boolean taintEnabled, List<V1Taint> extraTaints, Map<String, String> labels,
        Map<String, Quantity> capacity) {

    public NodeDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(providerConfig, "providerConfig");
        Objects.requireNonNull(operatingSystem, "operatingSystem");
        Objects.requireNonNull(taint, "taint");
        extraTaints = List.copyOf(extraTaints);
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        capacity = Collections.unmodifiableMap(new LinkedHashMap<>(capacity));
    }
}
