package com.example.vk;

import dev.vkubelet.provider.Models;
import dev.vkubelet.provider.NotFoundException;
import dev.vkubelet.provider.PodLifecycleHandler;
import dev.vkubelet.provider.PodStatusNotifier;
import io.kubernetes.client.openapi.models.V1ContainerState;
import io.kubernetes.client.openapi.models.V1ContainerStateRunning;
import io.kubernetes.client.openapi.models.V1ContainerStateTerminated;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Runs pods "in memory": a pod is running as soon as it is created. Each method marks where a real
 * provider calls its backend. The host calls these methods from several threads, traces each call
 * and catches what they throw; {@link NotFoundException} means "no such pod".
 */
final class ExampleProvider implements PodLifecycleHandler, PodStatusNotifier {

    private final String nodeName;
    private final Map<String, V1Pod> pods = new ConcurrentHashMap<>();
    private volatile Consumer<V1Pod> notifier = pod -> {};

    ExampleProvider(String nodeName) {
        this.nodeName = nodeName;
    }

    private static String key(String namespace, String name) {
        return namespace + "/" + name;
    }

    private static String key(V1Pod pod) {
        return key(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
    }

    /** Start the pod's containers in the backend. Creating a pod that exists must not start it twice. */
    @Override
    public void createPod(V1Pod pod) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        V1PodStatus status = new V1PodStatus().phase("Running").startTime(now).hostIP("10.0.0.1").podIP("10.0.0.2")
                .containerStatuses(pod.getSpec().getContainers().stream().map(c -> new V1ContainerStatus()
                        .name(c.getName()).image(c.getImage()).imageID("").ready(true).restartCount(0)
                        .state(new V1ContainerState().running(new V1ContainerStateRunning().startedAt(now))))
                        .toList());
        V1Pod running = copy(pod).status(status);
        if (pods.putIfAbsent(key(pod), running) == null) {
            notifier.accept(running);
        }
    }

    /** Apply a changed spec or metadata in the backend. */
    @Override
    public void updatePod(V1Pod pod) {
        V1Pod changed = pods.computeIfPresent(key(pod), (k, old) -> copy(pod).status(old.getStatus()));
        if (changed == null) {
            throw new NotFoundException("pod " + key(pod) + " is not on node " + nodeName);
        }
    }

    /** Stop the pod in the backend; the last status the host sees has every container terminated. */
    @Override
    public void deletePod(V1Pod pod) {
        V1Pod gone = pods.remove(key(pod));
        if (gone == null) {
            throw new NotFoundException("pod " + key(pod) + " is not on node " + nodeName);
        }
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        gone.getStatus().phase("Succeeded").getContainerStatuses().forEach(c -> c.ready(false)
                .state(new V1ContainerState().terminated(new V1ContainerStateTerminated().exitCode(0)
                        .reason("Completed").startedAt(c.getState().getRunning().getStartedAt()).finishedAt(now))));
        notifier.accept(gone);
    }

    @Override
    public Optional<V1Pod> getPod(String namespace, String name) {
        return Optional.ofNullable(pods.get(key(namespace, name)));
    }

    @Override
    public Optional<V1PodStatus> getPodStatus(String namespace, String name) {
        return getPod(namespace, name).map(V1Pod::getStatus);
    }

    @Override
    public List<V1Pod> getPods() {
        return List.copyOf(pods.values());
    }

    /** The host subscribes once; call the consumer whenever a pod's status changes in the backend. */
    @Override
    public void notifyPods(Consumer<V1Pod> onPodChanged) {
        notifier = onPodChanged;
    }

    /**
     * What this provider keeps of a pod: a copy without Secret-derived environment values. A real
     * provider hands the values to its backend in createPod and keeps (and returns) only this.
     */
    private static V1Pod copy(V1Pod pod) {
        return Models.withoutSecretValues(pod);
    }
}
