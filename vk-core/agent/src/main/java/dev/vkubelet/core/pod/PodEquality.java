package dev.vkubelet.core.pod;

import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1EphemeralContainer;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodStatus;
import io.kubernetes.client.openapi.models.V1Toleration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What counts as a change. Kubernetes lets a running pod change only container images, tolerations
 * (additions), {@code activeDeadlineSeconds}, labels and annotations (and add ephemeral
 * containers); those are compared, with env compared as resolved values by name, so neither env
 * order nor absent-versus-empty differences cause an update.
 */
final class PodEquality {

    private PodEquality() {}

    /** Whether the provider's pod differs from the wanted (env-resolved) pod in a mutable field. */
    static boolean needsProviderUpdate(V1Pod inProvider, V1Pod wanted) {
        return !Objects.equals(orEmpty(inProvider.getMetadata().getLabels()), orEmpty(wanted.getMetadata().getLabels()))
                || !Objects.equals(orEmpty(inProvider.getMetadata().getAnnotations()),
                        orEmpty(wanted.getMetadata().getAnnotations()))
                || !Objects.equals(inProvider.getSpec().getActiveDeadlineSeconds(),
                        wanted.getSpec().getActiveDeadlineSeconds())
                || !tolerations(inProvider.getSpec().getTolerations()).equals(tolerations(wanted.getSpec().getTolerations()))
                || !containers(inProvider.getSpec().getContainers()).equals(containers(wanted.getSpec().getContainers()))
                || !containers(inProvider.getSpec().getInitContainers())
                        .equals(containers(wanted.getSpec().getInitContainers()))
                || !ephemeral(inProvider.getSpec().getEphemeralContainers())
                        .equals(ephemeral(wanted.getSpec().getEphemeralContainers()));
    }

    /** Whether an informer update changed something the sync loop acts on (or is a resync). */
    static boolean syncRelevant(V1Pod old, V1Pod now) {
        if (Objects.equals(old.getMetadata().getResourceVersion(), now.getMetadata().getResourceVersion())) {
            return true;
        }
        return !Objects.equals(old.getMetadata().getDeletionTimestamp(), now.getMetadata().getDeletionTimestamp())
                || !Objects.equals(orEmpty(old.getMetadata().getLabels()), orEmpty(now.getMetadata().getLabels()))
                || !Objects.equals(orEmpty(old.getMetadata().getAnnotations()),
                        orEmpty(now.getMetadata().getAnnotations()))
                || !Objects.equals(old.getSpec(), now.getSpec());
    }

    /** Whether an informer update changed the status (ours or someone else's write). */
    static boolean statusChanged(V1Pod old, V1Pod now) {
        return !sameStatus(old.getStatus(), now.getStatus());
    }

    /**
     * Statuses are equal once both are as the API server stores them (timestamps cut to the seconds
     * it keeps, no empty objects or lists: see {@link #normalize}).
     */
    static boolean sameStatus(V1PodStatus a, V1PodStatus b) {
        return Objects.equals(CanonicalForm.of(a), CanonicalForm.of(b));
    }

    /**
     * {@code status} as the API server stores it: every timestamp cut to whole seconds, and no empty
     * objects or lists (the API server answers {@code "lastState": {}} where a provider says nothing,
     * and client-java models start with empty collections).
     */
    static V1PodStatus normalize(V1PodStatus status) {
        V1PodStatus canonical = CanonicalForm.of(status);
        return canonical == null ? new V1PodStatus() : canonical;
    }

    /**
     * What a status write should send to turn {@code current} into {@code wanted}: {@code wanted}
     * normalised, or empty when the two are the same status. One canonical form of each, where
     * {@link #normalize} then {@link #sameStatus} would make {@code wanted}'s twice.
     */
    static Optional<V1PodStatus> statusToWrite(V1PodStatus current, V1PodStatus wanted) {
        V1PodStatus canonical = CanonicalForm.of(wanted);
        if (Objects.equals(CanonicalForm.of(current), canonical)) {
            return Optional.empty();
        }
        return Optional.of(canonical == null ? new V1PodStatus() : canonical);
    }

    private static Map<String, String> orEmpty(Map<String, String> map) {
        return map == null ? Map.of() : map;
    }

    private static Set<String> tolerations(List<V1Toleration> list) {
        Set<String> out = new HashSet<>();
        if (list != null) {
            list.forEach(t -> out.add(JSON.serialize(t)));
        }
        return out;
    }

    private static Map<String, String> containers(List<V1Container> list) {
        Map<String, String> out = new TreeMap<>();
        if (list != null) {
            list.forEach(c -> out.put(c.getName(), c.getImage() + "\n" + env(c.getEnv())));
        }
        return out;
    }

    private static Map<String, String> ephemeral(List<V1EphemeralContainer> list) {
        Map<String, String> out = new TreeMap<>();
        if (list != null) {
            list.forEach(c -> out.put(c.getName(), c.getImage() + "\n" + env(c.getEnv())));
        }
        return out;
    }

    private static String env(List<V1EnvVar> env) {
        Map<String, String> byName = new TreeMap<>();
        if (env != null) {
            env.forEach(e -> byName.put(e.getName(), e.getValueFrom() == null
                    ? (e.getValue() == null ? "" : e.getValue()) : JSON.serialize(e.getValueFrom())));
        }
        return byName.toString();
    }
}
