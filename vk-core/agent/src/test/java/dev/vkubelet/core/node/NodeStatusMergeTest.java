package dev.vkubelet.core.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1NodeCondition;
import io.kubernetes.client.openapi.models.V1NodeStatus;
import io.kubernetes.client.openapi.models.V1Taint;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NodeStatusMergeTest {

    private static final OffsetDateTime T0 = OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
    private static final OffsetDateTime T1 = T0.plusMinutes(1);

    private static V1NodeCondition condition(String type, String status, OffsetDateTime at) {
        return new V1NodeCondition().type(type).status(status).reason("R").message("m")
                .lastHeartbeatTime(at).lastTransitionTime(at);
    }

    private static V1NodeCondition find(V1NodeStatus status, String type) {
        return status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElseThrow();
    }

    @Test
    void keepsForeignConditionsAndTransitionTimesOfUnchangedOnes() {
        V1NodeStatus current = new V1NodeStatus().conditions(List.of(
                condition("Ready", "True", T0), condition("example.com/Audited", "True", T0)));
        V1NodeStatus desired = new V1NodeStatus().conditions(List.of(condition("Ready", "True", T1)))
                .capacity(Map.of("cpu", new Quantity("4")));

        V1NodeStatus merged = NodeStatusMerge.mergeStatus(current, desired, Optional.empty(), T1);

        assertEquals(T0, find(merged, "Ready").getLastTransitionTime());
        assertEquals(T1, find(merged, "Ready").getLastHeartbeatTime());
        assertEquals(T0, find(merged, "example.com/Audited").getLastHeartbeatTime());
        assertEquals(new Quantity("4"), merged.getCapacity().get("cpu"));
        assertEquals(2, merged.getConditions().size());
    }

    @Test
    void pingFailureTurnsReadyFalseWithAReason() {
        V1NodeStatus current = new V1NodeStatus().conditions(List.of(condition("Ready", "True", T0)));
        V1NodeStatus desired = new V1NodeStatus().conditions(List.of(condition("Ready", "True", T0),
                condition("DiskPressure", "False", T0)));

        V1NodeStatus merged = NodeStatusMerge.mergeStatus(current, desired, Optional.of("backend down"), T1);

        V1NodeCondition ready = find(merged, "Ready");
        assertEquals("False", ready.getStatus());
        assertEquals(NodeDefaults.PING_FAILED_REASON, ready.getReason());
        assertEquals("provider ping failed: backend down", ready.getMessage());
        assertEquals(T1, ready.getLastTransitionTime());
        assertEquals("False", find(merged, "DiskPressure").getStatus());
    }

    @Test
    void taintsAreAddedCorrectedAndRemovedWithoutTouchingOthers() {
        V1Taint ours = new V1Taint().key("virtual-kubelet.io/provider").value("mock").effect("NoSchedule");
        V1Taint foreign = new V1Taint().key("team").value("a").effect("NoExecute");

        assertEquals(Optional.of(List.of(foreign, ours)),
                NodeStatusMerge.mergeTaints(List.of(foreign), ours, true));
        assertEquals(Optional.empty(), NodeStatusMerge.mergeTaints(List.of(foreign, ours), ours, true));
        V1Taint stale = new V1Taint().key("virtual-kubelet.io/provider").value("old").effect("NoSchedule");
        assertEquals(Optional.of(List.of(ours, foreign)),
                NodeStatusMerge.mergeTaints(List.of(stale, foreign), ours, true));
        assertEquals(Optional.of(List.of(foreign)), NodeStatusMerge.mergeTaints(List.of(ours, foreign), ours, false));
        assertTrue(NodeStatusMerge.mergeTaints(null, ours, false).isEmpty());
    }
}
