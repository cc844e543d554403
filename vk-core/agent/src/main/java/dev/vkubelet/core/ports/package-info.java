/**
 * The narrow ports controllers use to talk to the Kubernetes API, and the three outcomes they
 * distinguish ({@link dev.vkubelet.core.ports.ObjectMissing}, {@link dev.vkubelet.core.ports.ObjectConflict},
 * {@link dev.vkubelet.core.ports.ObjectExists}); any other failure is an
 * {@link dev.vkubelet.core.ports.ApiFailure}.
 *
 * <p>Controllers depend on these interfaces only. The client-java implementations live in
 * {@code dev.vkubelet.core.kube}; unit tests use in-memory fakes. Depends on client-java models only.
 */
package dev.vkubelet.core.ports;
