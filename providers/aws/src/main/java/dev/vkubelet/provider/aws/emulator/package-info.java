/**
 * An emulator of the ECS and CloudWatch Logs JSON protocols on loopback, embedded in the aws
 * plugin so that {@code --provider aws} runs on one machine, and runnable on its own
 * ({@link dev.vkubelet.provider.aws.emulator.EmulatorMain}) so that several agents, or an agent
 * that restarts, share one emulated cloud.
 *
 * <p>Tasks move through Fargate's states on timers ({@link dev.vkubelet.provider.aws.emulator.EmulatorSettings}
 * sets their latencies), containers run a small shell subset ({@link dev.vkubelet.provider.cloudkit.ContainerScript})
 * whose {@code echo} lines become CloudWatch log events, and every API group has a token bucket
 * and fault injection, so clients meet throttling and errors as they would in AWS.
 *
 * <p>Depends on cloud-kit's emulator pieces and the JDK's HTTP server; nothing in the provider depends on it but its optional start-up of an embedded emulator.
 */
package dev.vkubelet.provider.aws.emulator;
