/**
 * The node agent (module {@code vk-core/agent}): registers a virtual Node, keeps it and its Lease
 * fresh, loads the provider plugin, drives the node's pods through it and serves the kubelet API.
 * This package holds only {@link dev.vkubelet.core.Version}.
 *
 * <p>Packages, from the outside in:
 * <ul>
 *   <li>{@code cli}: the agent's command line: flags, their types and validation, subcommands;
 *   <li>{@code app}: wiring: builds the clients, the plugin host, the controllers from a
 *       {@code RunConfig}, runs them and shuts them down;
 *   <li>{@code node}, {@code pod}: the node and pod controllers, behind narrow {@code ports};
 *   <li>{@code kubeletapi}: the kubelet HTTP API;
 *   <li>{@code plugin}: the PF4J host and the one decorator every call into plugin code goes
 *       through;
 *   <li>{@code kube}: the client-java implementations of the ports, informers and clients;
 *   <li>{@code env}, {@code metrics}, {@code queue}, {@code limits}, {@code cache},
 *       {@code threads}: what the others share.
 * </ul>
 * The development tools (local control plane, {@code bench}, {@code traces}) are other modules
 * ({@code vk-core/controlplane}, {@code vk-core/tools}); nothing here imports them.
 *
 * <p>Depends on nothing else of the agent; everything may use it.
 */
package dev.vkubelet.core;
