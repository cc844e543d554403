package dev.vkubelet.core.pod;

import dev.vkubelet.core.env.EnvEvent;
import dev.vkubelet.core.env.EnvResolver;
import dev.vkubelet.core.env.PodAddresses;
import dev.vkubelet.core.metrics.Instrumentation;
import dev.vkubelet.core.plugin.ProviderDeadline;
import dev.vkubelet.core.plugin.ProviderHandle;
import dev.vkubelet.core.ports.EventRecorder;
import dev.vkubelet.core.ports.PodClient;
import dev.vkubelet.core.ports.PodIndex;
import dev.vkubelet.provider.InvalidInputException;
import dev.vkubelet.provider.NotFoundException;
import dev.vkubelet.provider.ProviderException;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodIP;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes to provider, one pod at a time: create what the provider lacks, update what changed,
 * delete what is being deleted (removing the API object once the provider reports the containers
 * terminated or the grace period ends), never re-create a pod in a terminal phase.
 */
final class PodSync {

    /** The reason on a pod's status while the provider fails it. */
    static final String PROVIDER_FAILED = "ProviderFailed";

    private static final Logger LOG = LoggerFactory.getLogger(PodSync.class);
    private static final Duration DELETION_RECHECK = Duration.ofSeconds(1);

    private final PodIndex index;
    private final PodClient pods;
    private final EventRecorder events;
    private final NodeProviders providers;
    /** The node of each pod last seen, for pods whose API object is gone. */
    private final Map<PodKey, String> nodes = new ConcurrentHashMap<>();
    private final ProviderDeadline timeouts;
    private final EnvResolver env;
    private final PodStatusSync status;
    private final String hostIp;
    private final Clock clock;
    private final Instrumentation metrics;
    /** Pods being deleted whose provider delete succeeded, by key, with the uid it was for. */
    private final Map<PodKey, String> deletedInProvider = new ConcurrentHashMap<>();
    /** Env events already recorded, so each is recorded once per pod: key, uid, reason, message. */
    private final Set<String> reportedEnvEvents = ConcurrentHashMap.newKeySet();

    PodSync(PodIndex index, PodClient pods, EventRecorder events, NodeProviders providers, ProviderDeadline timeouts,
            EnvResolver env, PodStatusSync status, String hostIp, Clock clock, Instrumentation metrics) {
        this.index = Objects.requireNonNull(index, "index");
        this.pods = Objects.requireNonNull(pods, "pods");
        this.events = Objects.requireNonNull(events, "events");
        this.providers = Objects.requireNonNull(providers, "providers");
        this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
        this.env = Objects.requireNonNull(env, "env");
        this.status = Objects.requireNonNull(status, "status");
        this.hostIp = Objects.requireNonNull(hostIp, "hostIp");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /** Remembers the node of {@code pod}, for when its API object is gone. */
    void remember(V1Pod pod) {
        if (pod.getSpec() != null && pod.getSpec().getNodeName() != null) {
            nodes.put(PodKey.of(pod), pod.getSpec().getNodeName());
        }
    }

    Outcome sync(PodKey key) {
        Optional<V1Pod> cached = index.get(key.namespace(), key.name());
        if (cached.isEmpty()) {
            return removedFromKubernetes(key);
        }
        V1Pod pod = cached.get();
        remember(pod);
        Optional<ProviderHandle> serving = providers.forNode(pod.getSpec().getNodeName());
        if (serving.isEmpty()) {
            return Outcome.done(); // a node this process does not serve (any more)
        }
        ProviderHandle provider = serving.get();
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            return deleting(key, pod, provider);
        }
        if (terminal(pod.getStatus())) {
            return Outcome.done();
        }
        Optional<V1Pod> running = timeouts.call("getPod " + key,
                () -> provider.pods().getPod(key.namespace(), key.name()));
        if (running.isPresent() && !sameUid(running.get(), pod)) {
            LOG.info("provider runs an older pod {} (uid {}); replacing it", key, running.get().getMetadata().getUid());
            deleteInProvider(key, running.get(), provider);
            running = Optional.empty();
        }
        EnvResolver.Result resolved;
        try {
            resolved = env.resolve(pod, addresses(pod, running));
        } catch (IllegalArgumentException e) {
            return createFailed(pod, new InvalidInputException(e.getMessage(), e));
        }
        reportEnv(pod, resolved.events());
        if (resolved.blocked()) {
            return Outcome.retry();
        }
        if (running.isEmpty()) {
            return create(key, pod, resolved.pod(), provider);
        }
        if (PodEquality.needsProviderUpdate(running.get(), resolved.pod())) {
            return update(key, pod, resolved.pod(), provider);
        }
        return Outcome.done();
    }

    private PodAddresses addresses(V1Pod pod, Optional<V1Pod> running) {
        V1PodStatus reported = running.map(V1Pod::getStatus).orElse(null);
        V1PodStatus known = reported != null && reported.getPodIP() != null ? reported : pod.getStatus();
        String host = known != null && known.getHostIP() != null ? known.getHostIP() : hostIp;
        List<String> ips = known == null ? List.of()
                : known.getPodIPs() != null && !known.getPodIPs().isEmpty()
                        ? known.getPodIPs().stream().map(V1PodIP::getIp).toList()
                        : known.getPodIP() != null ? List.of(known.getPodIP()) : List.of();
        return new PodAddresses(host, ips);
    }

    private void reportEnv(V1Pod pod, List<EnvEvent> found) {
        for (EnvEvent e : found) {
            if (reportedEnvEvents.add(PodKey.of(pod) + "|" + pod.getMetadata().getUid() + "|" + e.reason() + "|"
                    + e.message())) {
                events.record(pod, e.mandatory() ? EventRecorder.WARNING : EventRecorder.NORMAL, e.reason(),
                        e.message());
            }
        }
    }

    private Outcome create(PodKey key, V1Pod pod, V1Pod resolved, ProviderHandle provider) {
        try {
            timeouts.run("createPod " + key, () -> provider.pods().createPod(resolved));
        } catch (ProviderException e) {
            return createFailed(pod, e);
        }
        events.record(pod, EventRecorder.NORMAL, "ProviderCreateSuccess", "created pod " + key + " in provider "
                + provider.name());
        return Outcome.done();
    }

    private Outcome createFailed(V1Pod pod, ProviderException e) {
        boolean permanent = e instanceof InvalidInputException;
        boolean fail = permanent && "Never".equals(pod.getSpec().getRestartPolicy());
        events.record(pod, EventRecorder.WARNING, "ProviderCreateFailed", e.getMessage());
        LOG.warn("creating pod {} in provider failed{}: {}", PodKey.of(pod), permanent ? " permanently" : "",
                e.getMessage());
        markFailed(pod, e.getMessage(), fail);
        return permanent ? Outcome.done() : Outcome.retry();
    }

    /** Shows the provider error on the pod: reason ProviderFailed, and phase Failed when final. */
    private void markFailed(V1Pod pod, String message, boolean failPod) {
        try {
            status.write(pod, s -> {
                s.reason(PROVIDER_FAILED).message(message);
                if (failPod) {
                    s.phase("Failed");
                } else if (s.getPhase() == null) {
                    s.phase("Pending");
                }
                return s;
            });
        } catch (RuntimeException e) {
            LOG.warn("cannot write ProviderFailed on pod {}: {}", PodKey.of(pod), e.getMessage());
        }
    }

    private Outcome update(PodKey key, V1Pod pod, V1Pod resolved, ProviderHandle provider) {
        try {
            timeouts.run("updatePod " + key, () -> provider.pods().updatePod(resolved));
        } catch (ProviderException e) {
            events.record(pod, EventRecorder.WARNING, "ProviderUpdateFailed", e.getMessage());
            return e instanceof InvalidInputException ? Outcome.done() : Outcome.retry();
        }
        events.record(pod, EventRecorder.NORMAL, "ProviderUpdateSuccess", "updated pod " + key + " in provider "
                + provider.name());
        return Outcome.done();
    }

    /** The API object is gone (deleted, force-deleted): make sure the provider no longer runs it. */
    private Outcome removedFromKubernetes(PodKey key) {
        forget(key);
        String node = nodes.remove(key);
        // the node it was on; when unknown (never seen), every provider is asked
        java.util.Collection<ProviderHandle> candidates = node != null
                ? providers.forNode(node).map(List::of).orElse(List.of()) : providers.distinct();
        for (ProviderHandle provider : candidates) {
            Optional<V1Pod> running = timeouts.call("getPod " + key,
                    () -> provider.pods().getPod(key.namespace(), key.name()));
            if (running.isPresent()) {
                deleteInProvider(key, running.get(), provider);
            }
        }
        return Outcome.done();
    }

    private void deleteInProvider(PodKey key, V1Pod pod, ProviderHandle provider) {
        try {
            timeouts.run("deletePod " + key, () -> provider.pods().deletePod(pod));
            LOG.info("deleted pod {} in provider", key);
        } catch (NotFoundException gone) {
            LOG.debug("pod {} was already gone from the provider", key);
        }
    }

    /**
     * A pod with a deletionTimestamp: delete it in the provider (once), then remove the API object
     * as soon as the provider reports every container terminated and no resources held (or no
     * longer has the pod), or the grace period has ended.
     */
    private Outcome deleting(PodKey key, V1Pod pod, ProviderHandle provider) {
        String uid = pod.getMetadata().getUid();
        if (!uid.equals(deletedInProvider.get(key))) {
            try {
                timeouts.run("deletePod " + key, () -> provider.pods().deletePod(pod));
                events.record(pod, EventRecorder.NORMAL, "ProviderDeleteSuccess", "deleted pod " + key
                        + " in provider " + provider.name());
            } catch (NotFoundException gone) {
                LOG.debug("pod {} was not in the provider", key);
            } catch (ProviderException e) {
                events.record(pod, EventRecorder.WARNING, "ProviderDeleteFailed", e.getMessage());
                return Outcome.retry();
            }
            deletedInProvider.put(key, uid);
        }
        Optional<V1PodStatus> reported = timeouts.call("getPodStatus " + key,
                () -> provider.pods().getPodStatus(key.namespace(), key.name()));
        Instant deadline = pod.getMetadata().getDeletionTimestamp().toInstant();
        Instant now = clock.instant();
        if (reported.isEmpty() || stopped(key, reported.get(), provider) || !now.isBefore(deadline)) {
            if (pods.deleteNow(key.namespace(), key.name(), uid)) {
                long grace = pod.getMetadata().getDeletionGracePeriodSeconds() == null
                        ? 0 : pod.getMetadata().getDeletionGracePeriodSeconds();
                metrics.podDeleted(Duration.between(deadline.minusSeconds(grace), clock.instant()));
            }
            forget(key);
            nodes.remove(key);
            return Outcome.done();
        }
        Duration left = Duration.between(now, deadline);
        return Outcome.later(left.compareTo(DELETION_RECHECK) < 0 ? left : DELETION_RECHECK);
    }

    /** Every container of a deleted pod terminated, and the backend no longer holds its resources. */
    private boolean stopped(PodKey key, V1PodStatus reported, ProviderHandle provider) {
        return allTerminated(reported) && !timeouts.call("releasing " + key,
                () -> provider.pods().releasing(key.namespace(), key.name()));
    }

    /** Drops what this class remembers about a pod that is gone. */
    private void forget(PodKey key) {
        deletedInProvider.remove(key);
        String prefix = key + "|";
        reportedEnvEvents.removeIf(k -> k.startsWith(prefix));
    }

    /**
     * Pods a provider runs for a node served here that Kubernetes does not have, each confirmed
     * with a fresh read first.
     */
    int deleteDangling() {
        int deleted = 0;
        for (ProviderHandle provider : providers.distinct()) {
            deleted += deleteDangling(provider);
        }
        return deleted;
    }

    /** The same for one provider (a node it serves was just gained). */
    int deleteDangling(ProviderHandle provider) {
        int deleted = 0;
        List<V1Pod> running = timeouts.call("getPods", () -> provider.pods().getPods());
        for (V1Pod candidate : running) {
            String node = candidate.getSpec() == null ? null : candidate.getSpec().getNodeName();
            if (node != null && providers.forNode(node).filter(p -> p == provider).isEmpty()) {
                continue; // another node's pod, of a provider serving several
            }
            PodKey key = PodKey.of(candidate);
            Optional<V1Pod> cached = index.get(key.namespace(), key.name());
            if (cached.isPresent() && sameUid(candidate, cached.get())) {
                continue;
            }
            Optional<V1Pod> fresh = pods.get(key.namespace(), key.name());
            if (fresh.isPresent() && sameUid(candidate, fresh.get())) {
                continue;
            }
            LOG.info("deleting dangling pod {} from provider {}: Kubernetes does not have it", key, provider.name());
            deleteInProvider(key, candidate, provider);
            deleted++;
        }
        return deleted;
    }

    private static boolean sameUid(V1Pod inProvider, V1Pod inKubernetes) {
        String uid = inProvider.getMetadata().getUid();
        return uid == null || uid.equals(inKubernetes.getMetadata().getUid());
    }

    static boolean terminal(V1PodStatus status) {
        return status != null && ("Succeeded".equals(status.getPhase()) || "Failed".equals(status.getPhase()));
    }

    static boolean allTerminated(V1PodStatus status) {
        List<V1ContainerStatus> containers = status.getContainerStatuses();
        if (containers == null || containers.isEmpty()) {
            return terminal(status);
        }
        return containers.stream().allMatch(c -> c.getState() != null && c.getState().getTerminated() != null);
    }
}
