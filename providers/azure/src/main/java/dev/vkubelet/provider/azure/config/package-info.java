/**
 * The azure provider's configuration file ({@code --provider-config}, YAML or JSON): reading it,
 * checking every field, and naming the field in every error.
 *
 * <p>Depends on cloud-kit's ConfigFields; used by the provider and the emulator's launcher, never by the host.
 */
package dev.vkubelet.provider.azure.config;
