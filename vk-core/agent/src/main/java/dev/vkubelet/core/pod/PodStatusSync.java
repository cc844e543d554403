package dev.vkubelet.core.pod;

import dev.vkubelet.core.metrics.Instrumentation;
import dev.vkubelet.core.plugin.ProviderDeadline;
import dev.vkubelet.core.plugin.ProviderHandle;
import dev.vkubelet.core.ports.ObjectConflict;
import dev.vkubelet.core.ports.ObjectMissing;
import dev.vkubelet.core.ports.PodClient;
import dev.vkubelet.core.ports.PodIndex;
import dev.vkubelet.provider.Models;
import dev.vkubelet.provider.ProviderException;
import dev.vkubelet.tracing.Span;
import dev.vkubelet.tracing.Tracer;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * Provider to Kubernetes: writes a pod's status from what the provider reports. Only the status is
 * written ({@code pods/status}), with the resourceVersion the API server gave, re-read and retried
 * on conflict; nothing is written when nothing changed.
 */
final class PodStatusSync {

    private static final int ATTEMPTS = 5;

    private final PodIndex index;
    private final PodClient pods;
    private final NodeProviders providers;
    private final ProviderDeadline timeouts;
    private final String hostIp;
    private final Instrumentation metrics;
    private final java.time.Clock clock;
    private final Tracer tracer;

    PodStatusSync(PodIndex index, PodClient pods, NodeProviders providers, ProviderDeadline timeouts, String hostIp) {
        this(index, pods, providers, timeouts, hostIp, Instrumentation.NOOP, java.time.Clock.systemUTC(),
                Tracer.noop());
    }

    PodStatusSync(PodIndex index, PodClient pods, NodeProviders providers, ProviderDeadline timeouts, String hostIp,
            Instrumentation metrics, java.time.Clock clock, Tracer tracer) {
        this.index = Objects.requireNonNull(index, "index");
        this.pods = Objects.requireNonNull(pods, "pods");
        this.providers = Objects.requireNonNull(providers, "providers");
        this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
        this.hostIp = Objects.requireNonNull(hostIp, "hostIp");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.tracer = Objects.requireNonNull(tracer, "tracer");
    }

    /** {@link #sync(PodKey, Optional)} with the status the provider reports now. */
    Optional<String> sync(PodKey key) {
        return sync(key, Optional.empty());
    }

    /**
     * Brings the pod's status in line with the provider's: {@code pushed}, the status it pushed, or
     * when empty the one it reports when asked. Returns the pod IP the provider reports when it
     * differs from the one Kubernetes had (the sync loop then re-resolves env), else empty.
     */
    Optional<String> sync(PodKey key, Optional<V1PodStatus> pushed) {
        Optional<V1Pod> cached = index.get(key.namespace(), key.name());
        Optional<ProviderHandle> serving = cached.flatMap(p -> providers.forNode(p.getSpec().getNodeName()));
        if (serving.isEmpty()) {
            return Optional.empty();
        }
        ProviderHandle provider = serving.get();
        Optional<V1PodStatus> reported = pushed.isPresent() ? pushed : timeouts.call("getPodStatus " + key,
                () -> provider.pods().getPodStatus(key.namespace(), key.name()));
        if (reported.isEmpty()) {
            return Optional.empty();
        }
        String problem = invalid(cached.get(), reported.get());
        if (problem != null) {
            throw new ProviderException("provider " + provider.name() + " reported a malformed status for pod " + key
                    + " (" + problem + "); the last good status stays until it reports a valid one");
        }
        if (pushed.isEmpty() && running(reported.get()) && !running(cached.get().getStatus())) {
            providerRunning(tracer, cached.get());
        }
        String before = cached.get().getStatus() == null ? null : cached.get().getStatus().getPodIP();
        write(cached.get(), current -> merge(current, reported.get(), hostIp));
        String after = reported.get().getPodIP();
        return after != null && !after.equals(before) ? Optional.of(after) : Optional.empty();
    }

    static boolean running(V1PodStatus status) {
        return status != null && "Running".equals(status.getPhase());
    }

    /**
     * Marks the moment the host learns that the provider reports {@code pod} running (a push, or a
     * poll's answer) while Kubernetes does not have it running yet: a span of no length,
     * {@code pod.providerRunning}, from which {@code traces compare} tells the backend's
     * provisioning (create returned to this moment) from the status propagation after it.
     */
    static void providerRunning(Tracer tracer, V1Pod pod) {
        try (Span span = tracer.startSpan("pod.providerRunning")) {
            span.attribute("namespace", pod.getMetadata().getNamespace()).attribute("pod", pod.getMetadata().getName());
            if (pod.getSpec() != null && pod.getSpec().getNodeName() != null) {
                span.attribute("node", pod.getSpec().getNodeName());
            }
        }
    }

    private static final Set<String> PHASES = Set.of("Pending", "Running", "Succeeded", "Failed", "Unknown");

    /** What is wrong with a status the provider reported for {@code pod}, or null when nothing is. */
    static String invalid(V1Pod pod, V1PodStatus status) {
        if (status.getPhase() != null && !PHASES.contains(status.getPhase())) {
            return "unknown phase '" + status.getPhase() + "'";
        }
        Set<String> containers = new java.util.HashSet<>();
        if (pod.getSpec() != null) {
            pod.getSpec().getContainers().forEach(c -> containers.add(c.getName()));
            if (pod.getSpec().getInitContainers() != null) {
                pod.getSpec().getInitContainers().forEach(c -> containers.add(c.getName()));
            }
            if (pod.getSpec().getEphemeralContainers() != null) {
                pod.getSpec().getEphemeralContainers().forEach(c -> containers.add(c.getName()));
            }
        }
        for (List<V1ContainerStatus> statuses : java.util.Arrays.asList(status.getContainerStatuses(),
                status.getInitContainerStatuses(), status.getEphemeralContainerStatuses())) {
            for (V1ContainerStatus c : statuses == null ? List.<V1ContainerStatus>of() : statuses) {
                if (c.getName() == null || !containers.contains(c.getName())) {
                    return "a status for container '" + c.getName() + "', which the pod does not have";
                }
                if (c.getRestartCount() != null && c.getRestartCount() < 0) {
                    return "container '" + c.getName() + "' has restart count " + c.getRestartCount();
                }
            }
        }
        return null;
    }

    /**
     * Writes {@code change} applied to the pod's status, starting from {@code cached} and re-reading
     * on conflict. Skips the write when the status would not change. Returns false when the pod is
     * gone or has another uid.
     */
    boolean write(V1Pod cached, UnaryOperator<V1PodStatus> change) {
        V1Pod pod = cached;
        for (int attempt = 0; ; attempt++) {
            V1PodStatus current = pod.getStatus() == null ? new V1PodStatus() : pod.getStatus();
            Optional<V1PodStatus> changed = PodEquality.statusToWrite(current, change.apply(copy(current)));
            if (changed.isEmpty()) {
                metrics.podStatusWrite(false);
                return true;
            }
            V1PodStatus next = changed.get();
            V1Pod body = new V1Pod().apiVersion(pod.getApiVersion()).kind(pod.getKind())
                    .metadata(statusWriteMetadata(pod.getMetadata())).status(next);
            try (Span span = tracer.startSpan("pod.writeStatus")) {
                span.attribute("namespace", pod.getMetadata().getNamespace())
                        .attribute("pod", pod.getMetadata().getName())
                        .attribute("phase", String.valueOf(next.getPhase())).attribute("attempt", attempt + 1);
                pods.replaceStatus(body);
                metrics.podStatusWrite(true);
                if (running(next) && !running(current) && pod.getMetadata().getCreationTimestamp() != null) {
                    metrics.podStarted(java.time.Duration.between(pod.getMetadata().getCreationTimestamp().toInstant(),
                            clock.instant()));
                }
                return true;
            } catch (ObjectMissing e) {
                return false;
            } catch (ObjectConflict e) {
                if (attempt + 1 >= ATTEMPTS) {
                    throw e;
                }
                Optional<V1Pod> fresh = pods.get(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
                if (fresh.isEmpty() || !Objects.equals(fresh.get().getMetadata().getUid(), cached.getMetadata().getUid())) {
                    return false;
                }
                pod = fresh.get();
            }
        }
    }

    /**
     * The metadata a status write sends: all of it (the API server takes labels and annotations from
     * a status write too) but the managed fields, which it keeps when a write leaves them out. The
     * spec is not sent either: the status endpoint keeps the stored one. Both are most of a pod's
     * bytes, which the agent would encrypt and the API server decode on every write. A new object,
     * so the cached pod's metadata is not touched.
     */
    static V1ObjectMeta statusWriteMetadata(V1ObjectMeta meta) {
        // every field, so that one client-java adds later is not reset by omission; managed fields
        // null, not an empty list, which would reset them
        return Models.copy(meta).managedFields(null);
    }

    /**
     * The provider's status, keeping from Kubernetes what the provider does not report: conditions
     * of other types (e.g. {@code PodScheduled}), QoS class, start time, and the node's IP.
     */
    static V1PodStatus merge(V1PodStatus kubernetes, V1PodStatus reported, String hostIp) {
        V1PodStatus next = copy(reported);
        if (next.getPhase() == null) {
            next.setPhase(kubernetes.getPhase());
        }
        if (next.getQosClass() == null) {
            next.setQosClass(kubernetes.getQosClass());
        }
        if (next.getStartTime() == null) {
            next.setStartTime(kubernetes.getStartTime());
        }
        if (next.getHostIP() == null) {
            next.setHostIP(kubernetes.getHostIP() != null ? kubernetes.getHostIP() : hostIp);
        }
        List<V1PodCondition> conditions = new ArrayList<>(next.getConditions() == null ? List.of() : next.getConditions());
        Set<String> types = conditions.stream().map(V1PodCondition::getType).collect(Collectors.toSet());
        if (kubernetes.getConditions() != null) {
            kubernetes.getConditions().stream().filter(c -> !types.contains(c.getType())).forEach(conditions::add);
        }
        next.setConditions(conditions.isEmpty() ? null : conditions);
        return next;
    }

    static V1PodStatus copy(V1PodStatus status) {
        return Models.copy(status);
    }
}
