/**
 * The {@code azure} provider plugin: each pod is an Azure Container Instances container group,
 * driven through the Azure SDK for Java; by default against the ARM emulator of
 * {@link dev.vkubelet.provider.azure.emulator} started inside the plugin.
 */
package dev.vkubelet.provider.azure;
