/**
 * What the cloud provider plugins share, bundled into each of them: reading a provider config
 * file field by field with errors that name the field ({@link dev.vkubelet.provider.emulatorkit.ConfigFields}),
 * and the pieces of their cloud emulators: latency ranges, token buckets, and the small shell
 * subset emulated containers run ({@link dev.vkubelet.provider.emulatorkit.ContainerScript}).
 */
package dev.vkubelet.provider.emulatorkit;
