package dev.vkubelet.core.node;

import dev.vkubelet.core.Version;
import dev.vkubelet.provider.Models;
import dev.vkubelet.provider.NodeConfigurer;
import io.kubernetes.client.openapi.models.V1DaemonEndpoint;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeAddress;
import io.kubernetes.client.openapi.models.V1NodeCondition;
import io.kubernetes.client.openapi.models.V1NodeDaemonEndpoints;
import io.kubernetes.client.openapi.models.V1NodeSpec;
import io.kubernetes.client.openapi.models.V1NodeStatus;
import io.kubernetes.client.openapi.models.V1NodeSystemInfo;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Builds the Node this agent wants to exist. */
public final class NodeTemplate {

    private NodeTemplate() {}

    /** The labels the host puts on its node. */
    public static Map<String, String> labels(NodeSettings settings) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("type", "virtual-kubelet");
        labels.put("kubernetes.io/role", "agent");
        labels.put("kubernetes.io/hostname", settings.nodeName());
        labels.put("kubernetes.io/os", settings.operatingSystem());
        labels.put("beta.kubernetes.io/os", settings.operatingSystem());
        labels.put("kubernetes.io/arch", NodeDefaults.ARCHITECTURE);
        labels.put("beta.kubernetes.io/arch", NodeDefaults.ARCHITECTURE);
        labels.putAll(settings.labels());
        return labels;
    }

    /**
     * The node: host labels, taint, nodeInfo, daemon endpoint and InternalIP, then whatever the
     * provider's {@code configureNode} adds. A node without a {@code Ready} condition gets one
     * ({@code True}, reason {@code KubeletReady}).
     */
    public static V1Node build(NodeSettings settings, Optional<NodeConfigurer> configurer, OffsetDateTime now) {
        V1Node node = new V1Node()
                .apiVersion("v1")
                .kind("Node")
                .metadata(new V1ObjectMeta().name(settings.nodeName()).labels(labels(settings)))
                .spec(new V1NodeSpec().taints(taints(settings)))
                .status(new V1NodeStatus()
                        .nodeInfo(new V1NodeSystemInfo()
                                .operatingSystem(settings.operatingSystem())
                                .architecture(NodeDefaults.ARCHITECTURE)
                                .kubeletVersion(Version.kubeletVersion())
                                .kubeProxyVersion("")
                                .containerRuntimeVersion("vk-jvm://" + settings.providerName())
                                .osImage("")
                                .kernelVersion("")
                                .machineID("")
                                .systemUUID("")
                                .bootID(""))
                        .daemonEndpoints(new V1NodeDaemonEndpoints()
                                .kubeletEndpoint(new V1DaemonEndpoint().port(settings.daemonPort())))
                        .addresses(new ArrayList<>(List.of(
                                new V1NodeAddress().type("InternalIP").address(settings.internalIp())))));
        configurer.ifPresent(c -> c.configureNode(node));
        V1NodeStatus status = node.getStatus();
        fixCapacity(settings, status);
        if (status.getConditions() == null) {
            status.setConditions(new ArrayList<>());
        }
        boolean hasReady = status.getConditions().stream().anyMatch(c -> "Ready".equals(c.getType()));
        if (!hasReady) {
            status.getConditions().add(new V1NodeCondition().type("Ready").status("True").reason("KubeletReady")
                    .message("virtual-kubelet is ready").lastHeartbeatTime(now).lastTransitionTime(now));
        }
        return copy(node);
    }

    /** The taints the node is registered with: the agent's (when enabled), then the others. */
    static List<io.kubernetes.client.openapi.models.V1Taint> taints(NodeSettings settings) {
        List<io.kubernetes.client.openapi.models.V1Taint> taints = new ArrayList<>();
        if (settings.taintEnabled()) {
            taints.add(settings.taint());
        }
        taints.addAll(settings.extraTaints());
        return taints;
    }

    /** Puts the configured capacity over what the provider said, in capacity and allocatable. */
    static void fixCapacity(NodeSettings settings, V1NodeStatus status) {
        if (settings.capacity().isEmpty()) {
            return;
        }
        Map<String, io.kubernetes.client.custom.Quantity> capacity = new LinkedHashMap<>(
                status.getCapacity() == null ? Map.of() : status.getCapacity());
        capacity.putAll(settings.capacity());
        Map<String, io.kubernetes.client.custom.Quantity> allocatable = new LinkedHashMap<>(
                status.getAllocatable() == null ? Map.of() : status.getAllocatable());
        allocatable.putAll(settings.capacity());
        status.capacity(capacity).allocatable(allocatable);
    }

    /** A deep copy of a node. */
    static V1Node copy(V1Node node) {
        return Models.copy(node);
    }
}
