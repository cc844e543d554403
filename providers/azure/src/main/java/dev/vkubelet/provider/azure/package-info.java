/**
 * The {@code azure} provider plugin: each pod is an Azure Container Instances container group,
 * driven through the Azure SDK for Java; by default against the ARM emulator of
 * {@link dev.vkubelet.provider.azure.emulator} started inside the plugin.
 *
 * <p>Depends on the provider API, the tracing facade, cloud-kit and its own subpackages; nothing depends on it (the host finds it as a plugin).
 */
package dev.vkubelet.provider.azure;
