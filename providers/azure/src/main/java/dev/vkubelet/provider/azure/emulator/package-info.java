/**
 * An emulator of Azure Resource Manager's {@code Microsoft.ContainerInstance/containerGroups} REST
 * API on loopback, embedded in the azure plugin so that {@code --provider azure} runs on one
 * machine, and runnable on its own ({@link dev.vkubelet.provider.azure.emulator.ArmEmulatorMain}).
 *
 * <p>Groups move through ACI's provisioning states on timers, their containers run the small shell
 * subset of {@link dev.vkubelet.provider.cloudkit.ContainerScript} under the group's restart
 * policy, and requests meet token buckets, injected 429s with {@code Retry-After}, and server
 * errors, as they would in Azure. Exec answers with a WebSocket on loopback
 * ({@link dev.vkubelet.provider.azure.emulator.ExecSockets}).
 *
 * <p>Depends on cloud-kit's emulator pieces and the JDK's HTTP server; nothing in the provider depends on it but its optional start-up of an embedded emulator.
 */
package dev.vkubelet.provider.azure.emulator;
