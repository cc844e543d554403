/**
 * A real local control plane: etcd and kube-apiserver (optionally kube-controller-manager and
 * kube-scheduler) on loopback, with generated PKI, for the integration tests and the CLI's local
 * mode.
 *
 * <p>{@link dev.vkubelet.core.controlplane.ControlPlaneAssets} finds the binaries
 * ({@code VK_CONTROL_PLANE_ASSETS}, {@code KUBEBUILDER_ASSETS}, or the cache that
 * {@code dist/scripts/install-control-plane} fills); {@link dev.vkubelet.core.controlplane.Pki}
 * makes the certificates; {@link dev.vkubelet.core.controlplane.LocalControlPlane} runs the
 * processes on free ports in a temporary directory and removes them on {@code close()}, on JVM
 * shutdown, and (for processes left by a JVM that was killed) on the next start.
 *
 * <p>Depends on client-java (to wait for readiness and grant node RBAC) and BouncyCastle, never on
 * the agent. The tools depend on it; the agent only in its integration tests.
 */
package dev.vkubelet.core.controlplane;
