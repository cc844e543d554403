/**
 * The mock provider plugin: pods live in memory, go {@code Running} at once or after a configured
 * delay, end with all containers terminated when deleted, and log generated lines.
 *
 * <p>{@link dev.vkubelet.provider.mock.MockProviderFactory} is the PF4J extension;
 * {@link dev.vkubelet.provider.mock.MockConfig} reads the configuration (JSON or YAML keyed by node
 * name, as upstream's mock provider); {@link dev.vkubelet.provider.mock.MockProvider} holds the pods.
 *
 * <p>Depends on the provider API only (and SnakeYAML, bundled in the plugin jar).
 */
package dev.vkubelet.provider.mock;
