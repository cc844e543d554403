package dev.vkubelet.core.plugin;

import java.nio.file.Path;
import java.util.Objects;

/** A plugin that could not be used: where it is and why. */
public record PluginFailure(Path path, String reason) {

    public PluginFailure {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String toString() {
        return path + ": " + reason;
    }
}
