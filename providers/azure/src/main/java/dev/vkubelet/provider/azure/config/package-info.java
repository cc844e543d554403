/**
 * The azure provider's configuration file ({@code --provider-config}, YAML or JSON): reading it,
 * checking every field, and naming the field in every error.
 */
package dev.vkubelet.provider.azure.config;
