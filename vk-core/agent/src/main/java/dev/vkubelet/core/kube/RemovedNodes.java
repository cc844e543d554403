package dev.vkubelet.core.kube;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1DeleteOptions;
import io.kubernetes.client.openapi.models.V1Lease;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeCondition;
import io.kubernetes.client.openapi.models.V1Preconditions;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deregisters the nodes an agent registered and no longer runs. Every node the agent registers is
 * labelled {@value #AGENT_LABEL} with the agent's name ({@code --nodename}); a node with that label
 * that is not in the node set (taken out of {@code --nodes-config}, or a smaller {@code --node-count})
 * is deleted, with its Lease in {@code kube-node-lease}, once nobody has renewed it for twice its lease
 * duration: not this process, and not a replica still running an older node set during a rolling
 * update. The cluster's pod garbage collector then deletes the pods bound to it; the backend objects
 * of those pods are left alone (the node's provider configuration is gone with it).
 *
 * <p>{@link #sweep} deletes what is stale now and says when to look again: when the next remaining
 * node would become stale, at most {@link #MAX_INTERVAL} later.
 */
public final class RemovedNodes {

    /** The label naming the agent (its {@code --nodename}) that registered a node. */
    public static final String AGENT_LABEL = "virtual-kubelet.io/agent";

    /** The longest wait between two sweeps. */
    public static final Duration MAX_INTERVAL = Duration.ofMinutes(1);

    private static final Logger LOG = LoggerFactory.getLogger(RemovedNodes.class);

    private final CoreV1Api core;
    private final CoordinationV1Api coordination;
    private final String agent;
    private final Set<String> nodes;
    private final String leaseNamespace;
    private final Duration defaultLeaseDuration;
    private final Set<String> announced = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean refused;

    /**
     * @param agent the {@value #AGENT_LABEL} label value of the agent's nodes
     * @param nodes the node set this process runs now
     * @param defaultLeaseDuration how long a node without a Lease counts as alive after its last heartbeat
     */
    public RemovedNodes(ApiClient client, String agent, Set<String> nodes, String leaseNamespace,
            Duration defaultLeaseDuration) {
        this.core = new CoreV1Api(Objects.requireNonNull(client, "client"));
        this.coordination = new CoordinationV1Api(client);
        this.agent = Objects.requireNonNull(agent, "agent");
        this.nodes = Set.copyOf(nodes);
        this.leaseNamespace = Objects.requireNonNull(leaseNamespace, "leaseNamespace");
        this.defaultLeaseDuration = Objects.requireNonNull(defaultLeaseDuration, "defaultLeaseDuration");
    }

    /**
     * Deletes the nodes of this agent that are not in its set and stale at {@code now}; returns how
     * long to wait before the next sweep. API failures are logged and retried at the next sweep; a
     * 403 (an identity that may not list or delete nodes) stops the sweeps, logged once.
     */
    public Duration sweep(Instant now) {
        if (refused) {
            return MAX_INTERVAL;
        }
        Duration next = MAX_INTERVAL;
        try {
            List<V1Node> labelled = core.listNode().labelSelector(AGENT_LABEL + "=" + agent).execute().getItems();
            for (V1Node node : labelled) {
                String name = node.getMetadata().getName();
                if (nodes.contains(name)) {
                    continue;
                }
                Optional<V1Lease> lease = KubeCalls.read("get lease " + leaseNamespace + "/" + name,
                        () -> coordination.readNamespacedLease(name, leaseNamespace).execute());
                Instant staleAt = staleAt(node, lease);
                if (now.isBefore(staleAt)) {
                    Duration wait = Duration.between(now, staleAt).plusSeconds(1);
                    next = wait.compareTo(next) < 0 ? wait : next;
                    if (announced.add(name)) {
                        LOG.info("node {} (agent {}) is not in this agent's node set: it is deregistered at {}"
                                + " unless something renews it", name, agent, staleAt);
                    }
                    continue;
                }
                delete(node, lease);
            }
        } catch (ApiException e) {
            if (e.getCode() == 403) {
                refused = true;
                LOG.warn("this identity may not list or delete nodes (HTTP 403): nodes taken out of the node set"
                        + " are not deregistered; delete them by hand");
            } else {
                LOG.warn("could not look for nodes taken out of the node set (HTTP {}), retried in {}: {}",
                        e.getCode(), next, ApiMessages.of(e));
            }
        } catch (RuntimeException e) {
            LOG.warn("could not look for nodes taken out of the node set, retried in {}: {}", next, e.toString());
        }
        return next;
    }

    /** When a node whose last sign of life is its lease's renewal (else its Ready heartbeat) counts as stale. */
    private Instant staleAt(V1Node node, Optional<V1Lease> lease) {
        Instant seen = Instant.EPOCH;
        Duration duration = defaultLeaseDuration;
        if (lease.isPresent() && lease.get().getSpec() != null) {
            if (lease.get().getSpec().getRenewTime() != null) {
                seen = lease.get().getSpec().getRenewTime().toInstant();
            }
            if (lease.get().getSpec().getLeaseDurationSeconds() != null) {
                duration = Duration.ofSeconds(lease.get().getSpec().getLeaseDurationSeconds());
            }
        }
        seen = latest(seen, node.getMetadata().getCreationTimestamp());
        if (node.getStatus() != null && node.getStatus().getConditions() != null) {
            for (V1NodeCondition c : node.getStatus().getConditions()) {
                if ("Ready".equals(c.getType())) {
                    seen = latest(seen, c.getLastHeartbeatTime());
                }
            }
        }
        // twice the duration: room for the clocks of the agent that renewed it and of this one
        return seen.plus(duration.multipliedBy(2));
    }

    private static Instant latest(Instant a, OffsetDateTime b) {
        return b != null && b.toInstant().isAfter(a) ? b.toInstant() : a;
    }

    private void delete(V1Node node, Optional<V1Lease> lease) throws ApiException {
        String name = node.getMetadata().getName();
        // guarded by the uid: a node of that name registered meanwhile by someone else stays
        V1DeleteOptions options = new V1DeleteOptions().preconditions(new V1Preconditions()
                .uid(node.getMetadata().getUid()));
        try {
            KubeCalls.unread(core.deleteNode(name).body(options).buildCall(null));
        } catch (ApiException e) {
            if (e.getCode() == 404 || e.getCode() == 409) {
                return; // gone, or another node of that name now: not ours to delete
            }
            throw e;
        }
        if (lease.isPresent()) {
            try {
                KubeCalls.unread(coordination.deleteNamespacedLease(name, leaseNamespace).body(new V1DeleteOptions()
                        .preconditions(new V1Preconditions().uid(lease.get().getMetadata().getUid()))).buildCall(null));
            } catch (ApiException e) {
                if (e.getCode() != 404 && e.getCode() != 409) {
                    throw e;
                }
            }
        }
        LOG.info("deregistered node {}: it is no longer in the node set of agent {} and nobody renewed it; the"
                + " cluster deletes the pods bound to it", name, agent);
    }
}
