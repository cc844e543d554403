package dev.vkubelet.provider.stats;

import java.util.Objects;

/** Which pod a {@link PodStats} describes. */
public record PodReference(String name, String namespace, String uid) {

    public PodReference {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(uid, "uid");
    }
}
