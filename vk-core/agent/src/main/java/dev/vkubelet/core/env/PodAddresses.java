package dev.vkubelet.core.env;

import java.util.List;
import java.util.Objects;

/**
 * The addresses a pod's {@code status.*IP*} field references resolve to: the node's IP and the
 * pod's IPs as the provider reports them (empty until it does).
 */
public record PodAddresses(String hostIp, List<String> podIps) {

    public PodAddresses {
        Objects.requireNonNull(hostIp, "hostIp");
        podIps = List.copyOf(podIps);
    }

    /** The first pod IP, or an empty string while none is known. */
    public String podIp() {
        return podIps.isEmpty() ? "" : podIps.get(0);
    }
}
