/**
 * What provider plugins share beyond the SPI, bundled into each of them (the mock and the cloud
 * providers): the bookkeeping of the pods
 * a provider tracks ({@link dev.vkubelet.provider.cloudkit.TrackedPods}), the node they describe
 * ({@link dev.vkubelet.provider.cloudkit.CloudNode}), log streams with the kubelet's byte limit
 * ({@link dev.vkubelet.provider.cloudkit.LogStream}), reading a provider config file field by field
 * with errors that name the field ({@link dev.vkubelet.provider.cloudkit.ConfigFields}), Go-style
 * durations as upstream's configuration files write them ({@link dev.vkubelet.provider.cloudkit.Durations}),
 * shell words ({@link dev.vkubelet.provider.cloudkit.ShellWords}), daemon
 * threads with the plugin's class loader, and the pieces of their cloud emulators: latency ranges,
 * token buckets, and the small shell subset emulated containers run
 * ({@link dev.vkubelet.provider.cloudkit.ContainerScript}).
 *
 * <p>Depends on the provider API and the tracing facade ({@code provided}) and SnakeYAML; plugins bundle it, the host never depends on it.
 */
package dev.vkubelet.provider.cloudkit;
