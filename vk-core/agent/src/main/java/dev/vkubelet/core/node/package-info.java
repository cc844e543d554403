/**
 * The node controller: registers the virtual Node, keeps its Lease and status fresh, and reflects
 * the provider's health in the {@code Ready} condition.
 *
 * <ul>
 *   <li>{@link dev.vkubelet.core.node.NodeSettings}: what the node is (name, OS, IP, port, taint) and
 *       its timings; defaults in {@link dev.vkubelet.core.node.NodeDefaults};
 *   <li>{@link dev.vkubelet.core.node.NodeTemplate}: the Node this agent wants (labels, taint,
 *       nodeInfo, daemon endpoint), filled in by the provider's {@code configureNode};
 *   <li>{@link dev.vkubelet.core.node.NodeStatusMerge}: merges that into the Node on the server,
 *       keeping what others set (conditions of other types, labels, annotations);
 *   <li>{@link dev.vkubelet.core.node.NodeLease}: the {@code kube-node-lease} Lease, owned by the
 *       Node;
 *   <li>{@link dev.vkubelet.core.node.NodeController}: the run loop: heartbeat (ping, re-register a
 *       deleted node, renew the lease) every renew interval, status every status interval and on
 *       provider notification, all in the node's lane of the {@link dev.vkubelet.core.node.NodeLoops};
 *   <li>{@link dev.vkubelet.core.node.NodeLoops}: the loops every node of the process shares: one
 *       timer thread, a small worker pool, a lane per node (its steps one at a time), jittered
 *       repeating steps whose lag is a metric. A node costs a lane, not a thread.
 * </ul>
 *
 * <p>Depends on the ports ({@code dev.vkubelet.core.ports}), the plugin host's
 * {@code ProviderHandle}, {@code metrics}, {@code threads} and the tracing facade; never on
 * client-java's HTTP API. Only {@code app} depends on it.
 */
package dev.vkubelet.core.node;
