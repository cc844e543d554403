package dev.vkubelet.core.kubeletapi;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * TLS settings of every serving context: the lowest protocol version ({@code VersionTLS12} or
 * {@code VersionTLS13}), the TLS 1.2 cipher suites (IANA names; empty for the JDK's), and the CA
 * client certificates must chain to (none: client certificates are not asked for).
 */
public record TlsOptions(String minVersion, List<String> cipherSuites, Optional<Path> clientCa) {

    public TlsOptions {
        Objects.requireNonNull(minVersion, "minVersion");
        cipherSuites = List.copyOf(cipherSuites);
        Objects.requireNonNull(clientCa, "clientCa");
        if (!minVersion.equals("VersionTLS12") && !minVersion.equals("VersionTLS13")) {
            throw new IllegalArgumentException("TLS minimum version must be VersionTLS12 or VersionTLS13, got "
                    + minVersion);
        }
    }
}
