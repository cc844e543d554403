package dev.vkubelet.core.node;

import io.kubernetes.client.openapi.models.V1Taint;
import java.time.Duration;
import java.util.Objects;

/**
 * What the node is and how often it is refreshed.
 *
 * @param nodeName the Node's name
 * @param operatingSystem {@code linux} or {@code windows}
 * @param internalIp the InternalIP address the node advertises
 * @param daemonPort the kubelet API port advertised in {@code status.daemonEndpoints}
 * @param providerName the provider's name (container runtime version, default taint value)
 * @param taint the node's taint: applied when {@code taintEnabled}, removed when not
 * @param taintEnabled whether the taint is applied
 * @param leaseDuration the lease's {@code leaseDurationSeconds}
 * @param renewInterval how often the provider is pinged and the lease renewed
 * @param statusInterval how often the status is written without a notification
 * @param pingTimeout how long a ping may take
 * @param labels labels of this node beyond the host's ({@code --nodes-config})
 * @param extraTaints taints beyond {@code taint}, added (or corrected by key) and never removed
 * @param capacity resources the node advertises whatever the provider says (capacity and allocatable)
 */
public record NodeSettings(
        String nodeName,
        String operatingSystem,
        String internalIp,
        int daemonPort,
        String providerName,
        V1Taint taint,
        boolean taintEnabled,
        Duration leaseDuration,
        Duration renewInterval,
        Duration statusInterval,
        Duration pingTimeout,
        java.util.Map<String, String> labels,
        java.util.List<V1Taint> extraTaints,
        java.util.Map<String, io.kubernetes.client.custom.Quantity> capacity) {

    public NodeSettings {
        labels = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(labels));
        extraTaints = java.util.List.copyOf(extraTaints);
        capacity = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(capacity));
        Objects.requireNonNull(nodeName, "nodeName");
        Objects.requireNonNull(operatingSystem, "operatingSystem");
        Objects.requireNonNull(internalIp, "internalIp");
        Objects.requireNonNull(providerName, "providerName");
        Objects.requireNonNull(taint, "taint");
        positive(leaseDuration, "leaseDuration");
        positive(renewInterval, "renewInterval");
        positive(statusInterval, "statusInterval");
        positive(pingTimeout, "pingTimeout");
    }

    private static void positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
    }

    /** The default timings for a node. */
    public static NodeSettings of(String nodeName, String operatingSystem, String internalIp, int daemonPort,
            String providerName, V1Taint taint, boolean taintEnabled) {
        return new NodeSettings(nodeName, operatingSystem, internalIp, daemonPort, providerName, taint, taintEnabled,
                NodeDefaults.LEASE_DURATION, NodeDefaults.RENEW_INTERVAL, NodeDefaults.STATUS_INTERVAL,
                NodeDefaults.PING_TIMEOUT, java.util.Map.of(), java.util.List.of(), java.util.Map.of());
    }

    /** The same node with its own labels, more taints and a fixed capacity. */
    public NodeSettings withNode(java.util.Map<String, String> moreLabels, java.util.List<V1Taint> moreTaints,
            java.util.Map<String, io.kubernetes.client.custom.Quantity> fixedCapacity) {
        return new NodeSettings(nodeName, operatingSystem, internalIp, daemonPort, providerName, taint, taintEnabled,
                leaseDuration, renewInterval, statusInterval, pingTimeout, moreLabels, moreTaints, fixedCapacity);
    }

    /** The same node with other timings (tests use short ones). */
    public NodeSettings withTimings(Duration lease, Duration renew, Duration status, Duration ping) {
        return new NodeSettings(nodeName, operatingSystem, internalIp, daemonPort, providerName, taint, taintEnabled,
                lease, renew, status, ping, labels, extraTaints, capacity);
    }
}
