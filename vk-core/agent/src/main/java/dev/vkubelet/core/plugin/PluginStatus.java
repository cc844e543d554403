package dev.vkubelet.core.plugin;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One jar (or directory) of the plugin directory and what became of it.
 *
 * @param path where it is
 * @param id its {@code Plugin-Id}; empty when no descriptor could be read
 * @param version its {@code Plugin-Version}; empty when no descriptor could be read
 * @param state started (offers {@code providers}), disabled by the operator, or failed
 * @param providers the provider names it offers, when started
 * @param problems why it failed, or what part of it failed (a provider name offered twice)
 */
public record PluginStatus(Path path, Optional<String> id, Optional<String> version, State state,
        List<String> providers, List<String> problems) {

    /** What became of a plugin. */
    public enum State {
        /** Loaded and started; its providers can be used. */
        STARTED,
        /** Listed in {@code disabled.txt} (or left out of {@code enabled.txt}) of the plugin directory. */
        DISABLED,
        /** Could not be used; {@link #problems()} says why. */
        FAILED;

        /** The lower-case name shown to operators. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public PluginStatus {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(state, "state");
        providers = List.copyOf(providers);
        problems = List.copyOf(problems);
    }
}
