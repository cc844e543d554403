package dev.vkubelet.core.kubeletapi;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Who made a request: a user name, groups, uid and extra attributes, from a client certificate, a
 * token review, or anonymous. {@code authenticated} is false only for the anonymous caller.
 */
record Caller(String user, List<String> groups, String uid, Map<String, List<String>> extra,
        boolean authenticated) {

    Caller {
        Objects.requireNonNull(user, "user");
        groups = List.copyOf(groups);
        extra = Map.copyOf(extra);
    }

    static Caller anonymous() {
        return new Caller("system:anonymous", List.of("system:unauthenticated"), null, Map.of(), false);
    }
}
