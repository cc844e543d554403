package dev.vkubelet.core.pod;

import dev.vkubelet.provider.InvalidInputException;
import dev.vkubelet.provider.NotFoundException;
import dev.vkubelet.provider.PodLifecycleHandler;
import dev.vkubelet.provider.PodStatusNotifier;
import dev.vkubelet.provider.RetriableException;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1ContainerState;
import io.kubernetes.client.openapi.models.V1ContainerStateRunning;
import io.kubernetes.client.openapi.models.V1ContainerStateTerminated;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1PodIP;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A test backend that outlives node agents (so restarts can be tested) and misbehaves on request:
 * pods labelled {@code fail-create=N} fail N creates before succeeding, pods labelled
 * {@code fail-create=permanent} are rejected as invalid. It counts creates per pod uid.
 */
public final class InMemoryProvider implements PodLifecycleHandler, PodStatusNotifier {

    private final Map<String, V1Pod> pods = new ConcurrentHashMap<>();
    /** Creates that reached the backend, by pod uid. */
    public final Map<String, AtomicInteger> creates = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
    private final AtomicInteger nextIp = new AtomicInteger(1);
    private final boolean push;
    private volatile Consumer<V1Pod> listener = p -> {};

    /** @param push whether this provider notifies status (else the host must poll it) */
    public InMemoryProvider(boolean push) {
        this.push = push;
    }

    private static String key(String ns, String name) {
        return ns + "/" + name;
    }

    private static V1Pod copy(V1Pod pod) {
        return JSON.deserialize(JSON.serialize(pod), V1Pod.class);
    }

    /** Puts a pod straight into the backend, as if created before (a dangling pod). */
    public void seed(V1Pod pod) {
        V1Pod stored = copy(pod);
        stored.setStatus(running(stored));
        pods.put(key(pod.getMetadata().getNamespace(), pod.getMetadata().getName()), stored);
    }

    /** The backend's pods, by namespace/name. */
    public Map<String, V1Pod> snapshot() {
        return Map.copyOf(pods);
    }

    @Override
    public void createPod(V1Pod pod) {
        String rule = pod.getMetadata().getLabels() == null ? null : pod.getMetadata().getLabels().get("fail-create");
        if ("permanent".equals(rule)) {
            throw new InvalidInputException("backend cannot run image " + pod.getSpec().getContainers().get(0).getImage());
        }
        if (rule != null) {
            int failed = failures.computeIfAbsent(pod.getMetadata().getUid(), u -> new AtomicInteger()).getAndIncrement();
            if (failed < Integer.parseInt(rule)) {
                throw new RetriableException("backend busy (failure " + (failed + 1) + " of " + rule + ")");
            }
        }
        String key = key(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
        V1Pod stored = copy(pod);
        stored.setStatus(running(stored));
        if (pods.putIfAbsent(key, stored) == null) {
            creates.computeIfAbsent(pod.getMetadata().getUid(), u -> new AtomicInteger()).incrementAndGet();
            notifyChanged(stored);
        }
    }

    private V1PodStatus running(V1Pod pod) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        String ip = "10.88.0." + nextIp.getAndIncrement();
        List<V1ContainerStatus> containers = new ArrayList<>();
        pod.getSpec().getContainers().forEach(c -> containers.add(new V1ContainerStatus().name(c.getName())
                .image(c.getImage()).imageID("").ready(true).restartCount(0).started(true)
                .state(new V1ContainerState().running(new V1ContainerStateRunning().startedAt(now)))));
        return new V1PodStatus().phase("Running").podIP(ip).podIPs(List.of(new V1PodIP().ip(ip))).startTime(now)
                .conditions(List.of(new V1PodCondition().type("Ready").status("True").lastTransitionTime(now),
                        new V1PodCondition().type("ContainersReady").status("True").lastTransitionTime(now),
                        new V1PodCondition().type("Initialized").status("True").lastTransitionTime(now)))
                .containerStatuses(containers);
    }

    @Override
    public void updatePod(V1Pod pod) {
        String key = key(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
        V1Pod existing = pods.get(key);
        if (existing == null) {
            throw new NotFoundException("no pod " + key);
        }
        V1Pod updated = copy(pod);
        updated.setStatus(existing.getStatus());
        pods.put(key, updated);
    }

    @Override
    public void deletePod(V1Pod pod) {
        String key = key(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
        V1Pod removed = pods.remove(key);
        if (removed == null) {
            throw new NotFoundException("no pod " + key);
        }
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        removed.getStatus().phase("Succeeded").getContainerStatuses().forEach(c -> c.ready(false).state(
                new V1ContainerState().terminated(new V1ContainerStateTerminated().exitCode(0).reason("Deleted")
                        .finishedAt(now))));
        notifyChanged(removed);
    }

    private void notifyChanged(V1Pod pod) {
        if (push) {
            listener.accept(copy(pod));
        }
    }

    @Override
    public Optional<V1Pod> getPod(String namespace, String name) {
        return Optional.ofNullable(pods.get(key(namespace, name))).map(InMemoryProvider::copy);
    }

    @Override
    public Optional<V1PodStatus> getPodStatus(String namespace, String name) {
        return getPod(namespace, name).map(V1Pod::getStatus);
    }

    @Override
    public List<V1Pod> getPods() {
        return pods.values().stream().map(InMemoryProvider::copy).toList();
    }

    /** This backend seen through {@link PodLifecycleHandler} alone: the host has to poll its status. */
    public PodLifecycleHandler pollOnly() {
        return new DelegatingProvider(this);
    }

    @Override
    public void notifyPods(Consumer<V1Pod> onPodChanged) {
        this.listener = onPodChanged;
    }
}
