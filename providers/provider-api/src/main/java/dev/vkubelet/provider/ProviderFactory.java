package dev.vkubelet.provider;

import org.pf4j.ExtensionPoint;

/**
 * The extension point a provider plugin implements (annotate the class with PF4J's
 * {@code @Extension}). The host makes one instance per plugin and calls {@link #create} once per
 * node of the process that uses the provider, or once per group of nodes with the same
 * configuration file when the provider it returns is a {@link MultiNodeProvider}.
 */
public interface ProviderFactory extends ExtensionPoint {

    /**
     * The provider's name, as users pass it to {@code --provider}: lower case, stable, unique
     * among the plugins of an installation (for example {@code mock}).
     */
    String name();

    /**
     * Builds the provider for one node. Validates the provider configuration named by
     * {@link ProviderContext#configPath()} and throws {@link InvalidInputException} with a message
     * naming the problem when it is missing or malformed. Must not block on remote calls for long:
     * start background work lazily or in the returned object.
     *
     * <p>The returned object implements {@link PodLifecycleHandler} and any of the optional
     * capability interfaces of this package; the host detects them with {@code instanceof}.
     */
    PodLifecycleHandler create(ProviderContext context);
}
