package dev.vkubelet.core.kubeletapi;

import java.util.List;
import java.util.Objects;

/** Who made a request: a user name and groups, from a client certificate, a token, or anonymous. */
record Caller(String user, List<String> groups, String uid) {

    Caller {
        Objects.requireNonNull(user, "user");
        groups = List.copyOf(groups);
    }

    static Caller anonymous() {
        return new Caller("system:anonymous", List.of("system:unauthenticated"), null);
    }
}
