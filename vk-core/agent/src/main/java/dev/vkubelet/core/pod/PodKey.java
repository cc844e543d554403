package dev.vkubelet.core.pod;

import io.kubernetes.client.openapi.models.V1Pod;
import java.util.Objects;

/** A pod's identity in the queues: namespace and name. */
public record PodKey(String namespace, String name) {

    public PodKey {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
    }

    /** The key of {@code pod}. */
    public static PodKey of(V1Pod pod) {
        return new PodKey(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
    }

    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
