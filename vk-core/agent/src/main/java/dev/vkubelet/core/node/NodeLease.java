package dev.vkubelet.core.node;

import dev.vkubelet.core.ports.LeaseClient;
import dev.vkubelet.core.ports.ObjectConflict;
import dev.vkubelet.core.ports.ObjectExists;
import dev.vkubelet.core.ports.ObjectMissing;
import io.kubernetes.client.openapi.models.V1Lease;
import io.kubernetes.client.openapi.models.V1LeaseSpec;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1OwnerReference;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The node's Lease in {@value NodeDefaults#LEASE_NAMESPACE}: holder the node, owned by the Node
 * (so it goes with it), renewed by {@link #renew(V1Node)}: one write, from the lease as last
 * written (its resourceVersion guards it); only when that write finds the lease changed or gone is
 * it read again. A renewal is one request, not a read and a write.
 */
public final class NodeLease {

    private static final int ATTEMPTS = 3;

    private final LeaseClient leases;
    private final String nodeName;
    private final Duration duration;
    private final Clock clock;
    /** The lease as last written, or null before the first renewal and after a failed one. */
    private V1Lease last;

    public NodeLease(LeaseClient leases, String nodeName, Duration duration, Clock clock) {
        this.leases = Objects.requireNonNull(leases, "leases");
        this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
        this.duration = Objects.requireNonNull(duration, "duration");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Creates or renews the lease, owned by {@code node} (which must carry its uid). */
    public synchronized V1Lease renew(V1Node node) {
        if (last != null) {
            try {
                return last = leases.update(fill(last, node));
            } catch (ObjectConflict | ObjectMissing changed) {
                last = null; // someone else wrote it, or it is gone: read it again
            }
        }
        ObjectConflict lastConflict = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try {
                Optional<V1Lease> current = leases.get(NodeDefaults.LEASE_NAMESPACE, nodeName);
                if (current.isEmpty()) {
                    return last = leases.create(fill(new V1Lease().apiVersion("coordination.k8s.io/v1").kind("Lease")
                            .metadata(new V1ObjectMeta().namespace(NodeDefaults.LEASE_NAMESPACE).name(nodeName)), node));
                }
                return last = leases.update(fill(current.get(), node));
            } catch (ObjectConflict | ObjectMissing e) {
                lastConflict = e instanceof ObjectConflict c ? c : new ObjectConflict(e.getMessage(), e);
            } catch (ObjectExists e) {
                lastConflict = new ObjectConflict(e.getMessage(), e);
            }
        }
        throw lastConflict;
    }

    private V1Lease fill(V1Lease lease, V1Node node) {
        OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        V1LeaseSpec spec = lease.getSpec() == null ? new V1LeaseSpec() : lease.getSpec();
        spec.holderIdentity(nodeName).leaseDurationSeconds((int) duration.toSeconds()).renewTime(now);
        lease.spec(spec);
        lease.getMetadata().ownerReferences(List.of(new V1OwnerReference()
                .apiVersion("v1").kind("Node").name(node.getMetadata().getName()).uid(node.getMetadata().getUid())));
        return lease;
    }
}
