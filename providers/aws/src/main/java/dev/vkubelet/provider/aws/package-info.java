/**
 * The {@code aws} provider plugin: each pod is an ECS Fargate task, driven through the AWS SDK
 * for Java v2; by default against the emulator of {@link dev.vkubelet.provider.aws.emulator}
 * started inside the plugin.
 *
 * <p>Depends on the provider API, the tracing facade, cloud-kit and its own subpackages; nothing depends on it (the host finds it as a plugin).
 */
package dev.vkubelet.provider.aws;
