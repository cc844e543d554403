/**
 * The narrow ports controllers use to talk to the Kubernetes API, and the three outcomes they
 * distinguish ({@link dev.vkubelet.core.ports.ObjectMissing}, {@link dev.vkubelet.core.ports.ObjectConflict},
 * {@link dev.vkubelet.core.ports.ObjectExists}); any other failure is an
 * {@link dev.vkubelet.core.ports.ApiFailure}. {@link dev.vkubelet.core.ports.NodePods} is one node's
 * view of the process's pod index; {@link dev.vkubelet.core.ports.LeaseStore} adds listing to the
 * Lease port for replicas that share nodes.
 *
 * <p>Controllers depend on these interfaces only. The client-java implementations live in
 * {@code dev.vkubelet.core.kube}; unit tests use in-memory fakes. Depends on client-java models only.
 */
package dev.vkubelet.core.ports;
