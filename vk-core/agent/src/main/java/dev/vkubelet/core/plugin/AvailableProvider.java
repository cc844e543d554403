package dev.vkubelet.core.plugin;

import java.nio.file.Path;
import java.util.Objects;

/** A provider that a loaded plugin offers. */
public record AvailableProvider(String name, String pluginId, String pluginVersion, Path path) {

    public AvailableProvider {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(pluginId, "pluginId");
        Objects.requireNonNull(pluginVersion, "pluginVersion");
        Objects.requireNonNull(path, "path");
    }
}
