/**
 * The provider SPI: everything a provider plugin author must see, and nothing else.
 *
 * <ul>
 *   <li>{@link dev.vkubelet.provider.ProviderFactory}: the PF4J extension point a plugin implements;
 *       the host calls {@link dev.vkubelet.provider.ProviderFactory#create} once per node of the
 *       process (once per group of nodes for a {@link dev.vkubelet.provider.MultiNodeProvider}), with a
 *       {@link dev.vkubelet.provider.ProviderContext}.
 *   <li>{@link dev.vkubelet.provider.PodLifecycleHandler}: the lifecycle every provider implements.
 *   <li>Optional capabilities, each its own small interface that the host detects on the provider
 *       instance: {@link dev.vkubelet.provider.PodStatusNotifier},
 *       {@link dev.vkubelet.provider.NodeProvider}, {@link dev.vkubelet.provider.NodeConfigurer},
 *       {@link dev.vkubelet.provider.ContainerLogs}, {@link dev.vkubelet.provider.ContainerExec},
 *       {@link dev.vkubelet.provider.ContainerAttach}, {@link dev.vkubelet.provider.PortForwarder},
 *       {@link dev.vkubelet.provider.StatsSummaryProvider},
 *       {@link dev.vkubelet.provider.ResourceMetricsProvider},
 *       {@link dev.vkubelet.provider.MultiNodeProvider} (one instance serves several nodes). The host answers 501 for an HTTP
 *       capability a provider lacks, and polls status for a provider that does not push it.
 *   <li>{@link dev.vkubelet.provider.ProviderMetrics}: where a provider records metrics of its own.
 *   <li>The shared errors: {@link dev.vkubelet.provider.ProviderException} and its subclasses
 *       {@link dev.vkubelet.provider.NotFoundException},
 *       {@link dev.vkubelet.provider.InvalidInputException},
 *       {@link dev.vkubelet.provider.RetriableException}.
 * </ul>
 *
 * <p>Models are client-java's ({@code V1Pod}, {@code V1Node}, ...); {@link dev.vkubelet.provider.Models}
 * copies them and makes the Secret-free view of a pod that a provider returns and stores. Pods handed to a provider are
 * the provider's to keep but not to share: the host passes a copy. Pods a provider returns are
 * treated as immutable by the host.
 *
 * <p>Depends on: client-java models, PF4J's {@code ExtensionPoint}, the {@code vk-tracing} facade.
 * Plugins take this module, {@code vk-tracing}, client-java, SLF4J and PF4J in {@code provided}
 * scope: the host supplies them.
 */
package dev.vkubelet.provider;
