package dev.vkubelet.provider.azure.aci;

import com.azure.resourcemanager.containerinstance.fluent.models.ContainerGroupInner;
import com.azure.resourcemanager.containerinstance.models.Container;
import com.azure.resourcemanager.containerinstance.models.ContainerPropertiesInstanceView;
import com.azure.resourcemanager.containerinstance.models.ContainerState;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerState;
import io.kubernetes.client.openapi.models.V1ContainerStateRunning;
import io.kubernetes.client.openapi.models.V1ContainerStateTerminated;
import io.kubernetes.client.openapi.models.V1ContainerStateWaiting;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1PodIP;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * A container group as pod status, mapped as azure-aci maps it (phase from the provisioning state,
 * then from the instance view once provisioned) with its rough edges fixed: every container is
 * reported (not only the last), a {@code Terminated} container is terminated with its exit code
 * (not waiting), restart counts and last states are kept, and a pod is Ready only while all its
 * containers run. Every time comes from the group, so an unchanged group gives an equal status.
 */
public final class GroupStatuses {

    private GroupStatuses() {}

    /** The ACI state that decides the phase: the provisioning state until it is Succeeded, then the instance view's. */
    public static String state(ContainerGroupInner group) {
        String provisioning = group.provisioningState();
        if ("Succeeded".equals(provisioning) && group.instanceView() != null && group.instanceView().state() != null) {
            return group.instanceView().state();
        }
        return provisioning == null ? "Pending" : provisioning;
    }

    /** azure-aci's phase table; {@code Deleting} stays Running until the group is gone. */
    public static String phase(String state) {
        return switch (state) {
            case "Running", "Deleting" -> "Running";
            case "Succeeded" -> "Succeeded";
            case "Failed", "Canceled" -> "Failed";
            case "Creating", "Repairing", "Pending", "Accepted" -> "Pending";
            default -> "Unknown";
        };
    }

    /** The status of {@code pod} running as {@code group}, on a node whose address is {@code hostIp}. */
    public static V1PodStatus podStatus(ContainerGroupInner group, V1Pod pod, String hostIp) {
        String state = state(group);
        String phase = phase(state);
        OffsetDateTime created = pod.getMetadata().getCreationTimestamp();
        List<V1ContainerStatus> containers = new ArrayList<>();
        boolean allRunning = "Running".equals(state);
        OffsetDateTime firstStart = null;
        OffsetDateTime lastStart = null;
        for (V1Container spec : pod.getSpec().getContainers()) {
            Container c = group.containers() == null ? null : group.containers().stream()
                    .filter(x -> spec.getName().equals(x.name())).findFirst().orElse(null);
            ContainerPropertiesInstanceView view = c == null ? null : c.instanceView();
            V1ContainerStatus s = new V1ContainerStatus().name(spec.getName()).image(spec.getImage()).imageID("")
                    .restartCount(view == null || view.restartCount() == null ? 0 : view.restartCount())
                    .containerID("aci://" + group.name() + "/" + spec.getName()).ready(false).started(false);
            ContainerState current = view == null ? null : view.currentState();
            s.state(containerState(current));
            if (view != null && view.previousState() != null && view.previousState().state() != null) {
                s.lastState(containerState(view.previousState()));
            }
            boolean running = current != null && "Running".equals(current.state());
            s.ready(running && "Running".equals(state)).started(running);
            allRunning &= running;
            if (current != null && current.startTime() != null) {
                firstStart = firstStart == null || current.startTime().isBefore(firstStart) ? current.startTime()
                        : firstStart;
                lastStart = lastStart == null || current.startTime().isAfter(lastStart) ? current.startTime()
                        : lastStart;
            }
            containers.add(s);
        }
        OffsetDateTime readySince = allRunning && lastStart != null ? lastStart : created;
        V1PodStatus status = new V1PodStatus().phase(phase).hostIP(hostIp)
                .startTime(firstStart != null ? firstStart : created)
                .containerStatuses(containers)
                .conditions(List.of(
                        condition("PodScheduled", true, created),
                        condition("Initialized", true, created),
                        condition("ContainersReady", allRunning, readySince),
                        condition("Ready", allRunning, readySince)));
        if (group.ipAddress() != null && group.ipAddress().ip() != null) {
            String ip = group.ipAddress().ip();
            status.podIP(ip).podIPs(List.of(new V1PodIP().ip(ip)));
        }
        if ("Failed".equals(group.provisioningState())) {
            status.reason("ProvisioningFailed").message("ACI could not provision container group " + group.name());
        } else if ("Failed".equals(phase)) {
            status.reason("ContainerGroupFailed").message("a container exited with an error: " + exitCodes(group));
        }
        return status;
    }

    private static String exitCodes(ContainerGroupInner group) {
        List<String> codes = new ArrayList<>();
        for (Container c : group.containers()) {
            ContainerState s = c.instanceView() == null ? null : c.instanceView().currentState();
            codes.add(c.name() + "=" + (s == null || s.exitCode() == null ? "none" : s.exitCode()));
        }
        return String.join(", ", codes);
    }

    private static V1ContainerState containerState(ContainerState s) {
        String state = s == null || s.state() == null ? "Waiting" : s.state();
        return switch (state) {
            case "Running" -> new V1ContainerState().running(new V1ContainerStateRunning().startedAt(s.startTime()));
            case "Terminated", "Succeeded", "Failed", "Canceled" -> {
                int code = s.exitCode() != null ? s.exitCode() : "Succeeded".equals(state) ? 0 : 1;
                yield new V1ContainerState().terminated(new V1ContainerStateTerminated().exitCode(code)
                        .reason(code == 0 ? "Completed" : "Error").message(s.detailStatus())
                        .startedAt(s.startTime()).finishedAt(s.finishTime()));
            }
            default -> new V1ContainerState().waiting(new V1ContainerStateWaiting()
                    .reason(s == null || s.detailStatus() == null ? "Creating" : "Waiting")
                    .message(s == null ? "the container group is being created" : s.detailStatus()));
        };
    }

    private static V1PodCondition condition(String type, boolean value, OffsetDateTime since) {
        return new V1PodCondition().type(type).status(value ? "True" : "False").lastTransitionTime(since);
    }
}
