package dev.vkubelet.provider.cloudkit;

import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeAddress;
import io.kubernetes.client.openapi.models.V1NodeCondition;
import io.kubernetes.client.openapi.models.V1NodeStatus;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The node a cloud provider backs: its configured capacity (also allocatable), the five standard
 * conditions (Ready, and no pressure since the cloud sizes each pod), the InternalIP address, the
 * operating system, and the region label.
 */
public final class CloudNode {

    private CloudNode() {}

    /**
     * Fills in {@code node}.
     *
     * @param backend what the Ready message says is reachable, e.g. {@code ECS cluster c in us-east-1}
     * @param sizing why there is no memory, disk or PID pressure, e.g. {@code Fargate sizes each task}
     */
    public static void configure(V1Node node, Map<String, Quantity> capacity, String internalIp, String os,
            String region, String backend, String sizing) {
        V1NodeStatus status = node.getStatus() == null ? new V1NodeStatus() : node.getStatus();
        node.setStatus(status);
        status.capacity(new LinkedHashMap<>(capacity)).allocatable(new LinkedHashMap<>(capacity));
        OffsetDateTime now = OffsetDateTime.ofInstant(Instant.now(), ZoneOffset.UTC);
        status.conditions(List.of(
                condition("Ready", "True", "KubeletReady", backend + " is reachable", now),
                condition("MemoryPressure", "False", "KubeletHasSufficientMemory", sizing, now),
                condition("DiskPressure", "False", "KubeletHasNoDiskPressure", sizing, now),
                condition("PIDPressure", "False", "KubeletHasSufficientPID", sizing, now),
                condition("NetworkUnavailable", "False", "RouteCreated", "pods have their own network", now)));
        status.addresses(List.of(new V1NodeAddress().type("InternalIP").address(internalIp)));
        if (status.getNodeInfo() != null) {
            status.getNodeInfo().operatingSystem(os);
        }
        node.getMetadata().putLabelsItem("topology.kubernetes.io/region", region);
    }

    private static V1NodeCondition condition(String type, String value, String reason, String message,
            OffsetDateTime now) {
        return new V1NodeCondition().type(type).status(value).reason(reason).message(message)
                .lastHeartbeatTime(now).lastTransitionTime(now);
    }
}
