/**
 * The node agent host: registers a virtual Node, keeps it and its Lease fresh, loads the provider
 * plugin and (in later packages) drives pods through it.
 *
 * <p>Packages, from the outside in:
 * <ul>
 *   <li>{@code cli}: the {@code virtual-kubelet} command: flags, validation, subcommands;
 *   <li>{@code app}: wiring: builds the clients, the plugin host, the controllers from the
 *       options, runs them and shuts them down;
 *   <li>{@code plugin}: the PF4J host and the one decorator every call into plugin code goes
 *       through;
 *   <li>{@code node}: the node controller and lease, behind narrow ports;
 *   <li>{@code kube}: the client-java implementations of those ports;
 *   <li>{@code controlplane}: the local etcd + kube-apiserver used by tests and the local mode.
 * </ul>
 */
package dev.vkubelet.core;
