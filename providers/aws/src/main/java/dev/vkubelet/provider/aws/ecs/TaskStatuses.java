package dev.vkubelet.provider.aws.ecs;

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
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.ecs.model.Attachment;
import software.amazon.awssdk.services.ecs.model.Container;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.NetworkInterface;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * A task's state as pod status. Every time in it comes from the task, so the same task state
 * always gives an equal status, and a poll that sees no change reports none.
 */
public final class TaskStatuses {

    private TaskStatuses() {}

    /** The pod phase of a task: Pending until RUNNING, Running until STOPPED, then Succeeded or Failed. */
    public static String phase(Task task) {
        return switch (task.lastStatus()) {
            case "PROVISIONING", "PENDING", "ACTIVATING" -> "Pending";
            case "STOPPED" -> succeeded(task) ? "Succeeded" : "Failed";
            default -> "Running";
        };
    }

    /** Every essential container exited 0 (the task definition marks all containers essential). */
    static boolean succeeded(Task task) {
        return !task.containers().isEmpty()
                && task.containers().stream().allMatch(c -> c.exitCode() != null && c.exitCode() == 0);
    }

    /** The task's private IPv4 address, from its ENI attachment or its containers' interfaces. */
    public static Optional<String> privateIp(Task task) {
        for (Attachment a : task.attachments()) {
            for (KeyValuePair d : a.details()) {
                if ("privateIPv4Address".equals(d.name()) && d.value() != null && !d.value().isEmpty()) {
                    return Optional.of(d.value());
                }
            }
        }
        for (Container c : task.containers()) {
            for (NetworkInterface n : c.networkInterfaces()) {
                if (n.privateIpv4Address() != null) {
                    return Optional.of(n.privateIpv4Address());
                }
            }
        }
        return Optional.empty();
    }

    /** The task id: the last part of its ARN. */
    public static String taskId(String taskArn) {
        return taskArn.substring(taskArn.lastIndexOf('/') + 1);
    }

    private static OffsetDateTime time(Instant t) {
        return t == null ? null : OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }

    private static Instant first(Instant... candidates) {
        for (Instant t : candidates) {
            if (t != null) {
                return t;
            }
        }
        return null;
    }

    /** The status of {@code pod} running as {@code task}, on a node whose address is {@code hostIp}. */
    public static V1PodStatus podStatus(Task task, V1Pod pod, String hostIp) {
        String phase = phase(task);
        boolean running = "RUNNING".equals(task.lastStatus());
        boolean stopping = "STOPPED".equals(task.desiredStatus());
        boolean ready = running && !stopping;
        Instant created = task.createdAt();
        List<V1ContainerStatus> containers = new ArrayList<>();
        for (V1Container spec : pod.getSpec().getContainers()) {
            Container c = task.containers().stream().filter(x -> spec.getName().equals(x.name())).findFirst()
                    .orElse(null);
            containers.add(containerStatus(task, spec, c, ready));
        }
        V1PodStatus status = new V1PodStatus().phase(phase).hostIP(hostIp).startTime(time(created))
                .containerStatuses(containers)
                .conditions(List.of(
                        condition("PodScheduled", true, created),
                        condition("Initialized", true, created),
                        condition("ContainersReady", ready, readyChange(task, ready)),
                        condition("Ready", ready, readyChange(task, ready))));
        privateIp(task).ifPresent(ip -> status.podIP(ip).podIPs(List.of(new V1PodIP().ip(ip))));
        if ("Failed".equals(phase)) {
            status.reason(task.stopCodeAsString() == null ? "TaskStopped" : task.stopCodeAsString());
            status.message(failureMessage(task));
        } else if (stopping && !"Succeeded".equals(phase)) {
            status.message("task is " + task.lastStatus() + ": " + task.stoppedReason());
        }
        return status;
    }

    private static Instant readyChange(Task task, boolean ready) {
        if (ready) {
            return first(task.startedAt(), task.createdAt());
        }
        return first(task.stoppingAt(), task.createdAt());
    }

    private static String failureMessage(Task task) {
        String codes = task.containers().stream()
                .map(c -> c.name() + "=" + (c.exitCode() == null ? "none" : c.exitCode().toString()))
                .collect(Collectors.joining(", "));
        return (task.stoppedReason() == null ? "task stopped" : task.stoppedReason()) + " (exit codes: " + codes + ")";
    }

    private static V1ContainerStatus containerStatus(Task task, V1Container spec, Container c, boolean ready) {
        V1ContainerStatus s = new V1ContainerStatus().name(spec.getName()).image(spec.getImage()).imageID("")
                .restartCount(0).ready(false).started(false);
        String state = c == null ? "PENDING" : c.lastStatus();
        if (c != null) {
            s.containerID("ecs://" + taskId(task.taskArn()) + "/" + c.name());
        }
        switch (state) {
            case "RUNNING" -> s.ready(ready).started(true).state(new V1ContainerState().running(
                    new V1ContainerStateRunning().startedAt(time(first(task.startedAt(), task.createdAt())))));
            case "STOPPED" -> {
                int code = c.exitCode() == null ? 128 : c.exitCode();
                Instant started = first(task.startedAt(), task.stoppingAt(), task.createdAt());
                Instant finished = first(task.executionStoppedAt(), task.stoppedAt(), task.stoppingAt(), started);
                s.state(new V1ContainerState().terminated(new V1ContainerStateTerminated().exitCode(code)
                        .reason(code == 0 ? "Completed" : "Error")
                        .message(c.reason())
                        .startedAt(time(started)).finishedAt(time(finished))));
            }
            default -> s.state(new V1ContainerState().waiting(new V1ContainerStateWaiting().reason("ContainerCreating")
                    .message("task is " + task.lastStatus())));
        }
        return s;
    }

    private static V1PodCondition condition(String type, boolean value, Instant since) {
        return new V1PodCondition().type(type).status(value ? "True" : "False").lastTransitionTime(time(since));
    }
}
