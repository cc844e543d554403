package dev.vkubelet.provider;

import dev.vkubelet.tracing.Tracer;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What the host tells a provider when creating it.
 *
 * @param nodeName the name of the virtual node
 * @param operatingSystem {@code linux} or {@code windows}, lower case
 * @param internalIp the IP address the node advertises (from {@code VKUBELET_POD_IP})
 * @param daemonPort the port of the kubelet HTTP API the host serves
 * @param clusterDomain the cluster's DNS domain, e.g. {@code cluster.local}
 * @param configPath the provider configuration file from {@code --provider-config}, if given
 * @param resources a read-only view of the ConfigMaps, Secrets and Services of the cluster
 * @param tracer the tracer to add provider spans with; spans nest under the host's span
 * @param metrics where the provider records metrics of its own (published by the host)
 */
public record ProviderContext(
        String nodeName,
        String operatingSystem,
        String internalIp,
        int daemonPort,
        String clusterDomain,
        Optional<Path> configPath,
        ClusterResources resources,
        Tracer tracer,
        ProviderMetrics metrics) {

    public ProviderContext {
        Objects.requireNonNull(nodeName, "nodeName");
        Objects.requireNonNull(operatingSystem, "operatingSystem");
        Objects.requireNonNull(internalIp, "internalIp");
        Objects.requireNonNull(clusterDomain, "clusterDomain");
        Objects.requireNonNull(configPath, "configPath");
        Objects.requireNonNull(resources, "resources");
        Objects.requireNonNull(tracer, "tracer");
        Objects.requireNonNull(metrics, "metrics");
        if (daemonPort < 0 || daemonPort > 65535) {
            throw new IllegalArgumentException("daemonPort out of range: " + daemonPort);
        }
    }
}
