package dev.vkubelet.core.node;

import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeCondition;
import io.kubernetes.client.openapi.models.V1NodeStatus;
import io.kubernetes.client.openapi.models.V1Taint;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Merges what the agent wants into the node on the server without losing what others set. Pure
 * functions; no I/O.
 */
public final class NodeStatusMerge {

    private NodeStatusMerge() {}

    /**
     * The status to write: {@code current} with capacity, allocatable, addresses, daemon endpoints
     * and nodeInfo from {@code desired}; each condition type {@code desired} has replaced (its
     * transition time kept while its status is unchanged, its heartbeat set to {@code now});
     * conditions of other types kept as they are. When {@code pingFailure} is present the
     * {@code Ready} condition is {@code False} with reason {@value NodeDefaults#PING_FAILED_REASON}.
     */
    public static V1NodeStatus mergeStatus(V1NodeStatus current, V1NodeStatus desired, Optional<String> pingFailure,
            OffsetDateTime now) {
        V1Node holder = NodeTemplate.copy(new V1Node().status(current == null ? new V1NodeStatus() : current));
        V1NodeStatus merged = holder.getStatus();
        if (desired.getCapacity() != null) {
            merged.setCapacity(desired.getCapacity());
        }
        if (desired.getAllocatable() != null) {
            merged.setAllocatable(desired.getAllocatable());
        }
        if (desired.getAddresses() != null) {
            merged.setAddresses(desired.getAddresses());
        }
        if (desired.getDaemonEndpoints() != null) {
            merged.setDaemonEndpoints(desired.getDaemonEndpoints());
        }
        if (desired.getNodeInfo() != null) {
            merged.setNodeInfo(desired.getNodeInfo());
        }
        Map<String, V1NodeCondition> byType = new LinkedHashMap<>();
        if (merged.getConditions() != null) {
            merged.getConditions().forEach(c -> byType.put(c.getType(), c));
        }
        List<V1NodeCondition> wanted = desired.getConditions() == null ? List.of() : desired.getConditions();
        for (V1NodeCondition want : wanted) {
            V1NodeCondition next = new V1NodeCondition().type(want.getType()).status(want.getStatus())
                    .reason(want.getReason()).message(want.getMessage());
            if ("Ready".equals(want.getType()) && pingFailure.isPresent()) {
                next.status("False").reason(NodeDefaults.PING_FAILED_REASON)
                        .message("provider ping failed: " + pingFailure.get());
            }
            V1NodeCondition existing = byType.get(want.getType());
            boolean sameStatus = existing != null && Objects.equals(existing.getStatus(), next.getStatus());
            next.lastTransitionTime(sameStatus && existing.getLastTransitionTime() != null
                    ? existing.getLastTransitionTime() : now);
            next.lastHeartbeatTime(now);
            byType.put(want.getType(), next);
        }
        merged.setConditions(new ArrayList<>(byType.values()));
        return merged;
    }

    /**
     * The taints to have: {@code current} with the agent's taint added (or its value or effect
     * corrected) when {@code enabled}, and removed when not. Returns empty when nothing changes.
     */
    public static Optional<List<V1Taint>> mergeTaints(List<V1Taint> current, V1Taint ours, boolean enabled) {
        List<V1Taint> existing = current == null ? List.of() : current;
        List<V1Taint> next = new ArrayList<>();
        boolean present = false;
        for (V1Taint t : existing) {
            if (Objects.equals(t.getKey(), ours.getKey())) {
                if (enabled && !present) {
                    present = true;
                    next.add(new V1Taint().key(ours.getKey()).value(ours.getValue()).effect(ours.getEffect()));
                }
                continue;
            }
            next.add(t);
        }
        if (enabled && !present) {
            next.add(new V1Taint().key(ours.getKey()).value(ours.getValue()).effect(ours.getEffect()));
        }
        return sameTaints(existing, next) ? Optional.empty() : Optional.of(next);
    }

    private static boolean sameTaints(List<V1Taint> a, List<V1Taint> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            V1Taint x = a.get(i);
            V1Taint y = b.get(i);
            if (!Objects.equals(x.getKey(), y.getKey()) || !Objects.equals(x.getValue(), y.getValue())
                    || !Objects.equals(x.getEffect(), y.getEffect())) {
                return false;
            }
        }
        return true;
    }
}
