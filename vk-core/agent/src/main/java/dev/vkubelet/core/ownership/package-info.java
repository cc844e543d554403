/**
 * Replicas that share a node set: {@link dev.vkubelet.core.ownership.NodeOwnership} decides, through
 * one Lease per node and one per replica, which nodes this replica serves, and tells a listener when
 * it gains or loses one; {@code OwnershipPlan} is the pure rule (even shares, releases above the
 * share, free nodes below it); {@code LeaseNames} makes valid lease names and label values.
 *
 * <pre>
 *   every renew interval:  list leases of the set -> renew own replica lease (one write)
 *                          -> live replicas = replica leases changed within their duration
 *                          -> a node's holder counts while its replica is live (else the node is free)
 *                          -> OwnershipPlan.decide(...) -> release / acquire (guarded by resourceVersion)
 *                          -> Listener.lost(node) (before the release) / Listener.acquired(node)
 * </pre>
 *
 * <p>Depends on the {@code LeaseStore} port and {@code threads}; never on client-java's HTTP API.
 * Only {@code app} depends on it.
 */
package dev.vkubelet.core.ownership;
