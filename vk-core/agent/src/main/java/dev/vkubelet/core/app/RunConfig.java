package dev.vkubelet.core.app;

import dev.vkubelet.core.kube.KubeAccess;
import dev.vkubelet.tracing.opencensus.TracingConfig;
import io.kubernetes.client.openapi.models.V1Taint;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the node agent runs with, validated and resolved (flags over environment over
 * defaults). Built by the CLI; immutable.
 *
 * @param nodeName the Node's name
 * @param provider the provider's name
 * @param providerConfig the provider's configuration file
 * @param kube how the API server is reached: a kubeconfig, or in-cluster
 * @param namespace the namespace whose pods are watched; empty means all
 * @param clusterDomain the cluster DNS domain
 * @param operatingSystem {@code linux} or {@code windows}
 * @param internalIp the node's InternalIP ({@code VKUBELET_POD_IP})
 * @param listenPort the kubelet API port
 * @param metricsAddr the metrics listen address
 * @param taint the node taint
 * @param taintEnabled whether the taint is applied
 * @param nodeLeaseEnabled whether the node Lease is maintained
 * @param podSyncWorkers pod sync workers
 * @param fullResyncPeriod pod informer resync period
 * @param startupTimeout how long registration may take; zero for no limit
 * @param streamIdleTimeout exec/attach/port-forward idle timeout
 * @param streamCreationTimeout exec/attach/port-forward creation timeout
 * @param kubeApiQps client requests per second to the API server; zero for no limit
 * @param kubeApiBurst client burst above the QPS
 * @param eventQps events written per second; zero for no limit
 * @param eventBurst events written at once above {@code eventQps}
 * @param tracing tracing settings
 * @param logLevel the root log level
 * @param pluginDir where provider plugins are
 * @param listenAddress the kubelet API's bind address (empty: all interfaces)
 * @param anonymousAuth whether the kubelet API lets unauthenticated callers through (still authorised)
 * @param servingCerts the kubelet API's TLS files
 * @param providerTimeout how long one provider call may take before it is abandoned and retried
 * @param runtimeRequestTimeout how long a provider call made for a kubelet API request may take
 *     before the request is answered 504
 * @param nodeCount how many nodes this process serves, all from this template ({@link #nodeNames()})
 * @param sharing how this process shares its nodes with other replicas; empty: it serves them all
 * @param definedNodes the nodes of {@code --nodes-config}, each its own; empty: the template's
 *     ({@code nodeName}, {@code nodeCount}, {@code provider}, ...)
 */
public record RunConfig(
        String nodeName,
        String provider,
        Optional<Path> providerConfig,
        KubeAccess kube,
        String namespace,
        String clusterDomain,
        String operatingSystem,
        String internalIp,
        int listenPort,
        String metricsAddr,
        V1Taint taint,
        boolean taintEnabled,
        boolean nodeLeaseEnabled,
        int podSyncWorkers,
        Duration fullResyncPeriod,
        Duration startupTimeout,
        Duration streamIdleTimeout,
        Duration streamCreationTimeout,
        double kubeApiQps,
        int kubeApiBurst,
        double eventQps,
        int eventBurst,
        TracingConfig tracing,
        String logLevel,
        Path pluginDir,
        String listenAddress,
        boolean anonymousAuth,
        ServingCerts servingCerts,
        Duration providerTimeout,
        Duration runtimeRequestTimeout,
        int nodeCount,
        Optional<Sharing> sharing,
        java.util.List<NodeDefinition> definedNodes) {

    /**
     * Replicas started with the same node set share it: each node is served by one replica at a
     * time, decided through Leases ({@code dev.vkubelet.core.ownership.NodeOwnership}).
     *
     * @param replicaId this replica's identity (the leases' holder)
     * @param namespace where the ownership leases live
     * @param leaseDuration how long a replica that stopped renewing still holds its nodes
     * @param renewInterval how often a replica renews its lease and rebalances
     */
    public record Sharing(String replicaId, String namespace, Duration leaseDuration, Duration renewInterval) {
        public Sharing {
            Objects.requireNonNull(replicaId, "replicaId");
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(leaseDuration, "leaseDuration");
            Objects.requireNonNull(renewInterval, "renewInterval");
        }
    }

    /**
     * The kubelet API's certificate and key (both or neither: neither means self-signed, or from the
     * cluster when {@code rotate}), the CA client certificates must chain to
     * ({@code APISERVER_*_LOCATION} or the {@code --tls-*} flags), whether the serving certificate
     * comes from the cluster ({@code --rotate-server-certificates}), the lowest TLS version and the
     * TLS 1.2 cipher suites (empty: the JDK's).
     */
    public record ServingCerts(Optional<Path> certificate, Optional<Path> key, Optional<Path> clientCa,
            boolean rotate, String minTlsVersion, java.util.List<String> cipherSuites) {

        public ServingCerts {
            Objects.requireNonNull(certificate, "certificate");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(clientCa, "clientCa");
            Objects.requireNonNull(minTlsVersion, "minTlsVersion");
            cipherSuites = java.util.List.copyOf(cipherSuites);
            if (certificate.isPresent() != key.isPresent()) {
                throw new IllegalArgumentException("the serving certificate and key go together");
            }
            if (rotate && certificate.isPresent()) {
                throw new IllegalArgumentException("a serving certificate from files and one from the cluster exclude"
                        + " each other");
            }
        }

        /** Files only, TLS 1.2 and up, the JDK's suites. */
        public ServingCerts(Optional<Path> certificate, Optional<Path> key, Optional<Path> clientCa) {
            this(certificate, key, clientCa, false, "VersionTLS12", java.util.List.of());
        }

        /** The same with another client CA. */
        public ServingCerts withClientCa(Path ca) {
            return new ServingCerts(certificate, key, Optional.of(ca), rotate, minTlsVersion, cipherSuites);
        }
    }

    public RunConfig {
        Objects.requireNonNull(nodeName, "nodeName");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(providerConfig, "providerConfig");
        Objects.requireNonNull(kube, "kube");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(clusterDomain, "clusterDomain");
        Objects.requireNonNull(operatingSystem, "operatingSystem");
        Objects.requireNonNull(internalIp, "internalIp");
        Objects.requireNonNull(metricsAddr, "metricsAddr");
        Objects.requireNonNull(taint, "taint");
        Objects.requireNonNull(fullResyncPeriod, "fullResyncPeriod");
        Objects.requireNonNull(startupTimeout, "startupTimeout");
        Objects.requireNonNull(streamIdleTimeout, "streamIdleTimeout");
        Objects.requireNonNull(streamCreationTimeout, "streamCreationTimeout");
        Objects.requireNonNull(tracing, "tracing");
        Objects.requireNonNull(logLevel, "logLevel");
        Objects.requireNonNull(pluginDir, "pluginDir");
        Objects.requireNonNull(listenAddress, "listenAddress");
        Objects.requireNonNull(servingCerts, "servingCerts");
        Objects.requireNonNull(providerTimeout, "providerTimeout");
        Objects.requireNonNull(runtimeRequestTimeout, "runtimeRequestTimeout");
        Objects.requireNonNull(sharing, "sharing");
        definedNodes = java.util.List.copyOf(definedNodes);
        if (nodeCount < 1) {
            throw new IllegalArgumentException("a process serves at least one node, got " + nodeCount);
        }
    }

    /**
     * The names of the nodes this process serves: {@code nodeName} alone for one node, else
     * {@code nodeName-0} to {@code nodeName-(nodeCount - 1)}.
     */
    public java.util.List<String> nodeNames() {
        return definedNodes.isEmpty() ? nodeNames(nodeName, nodeCount)
                : definedNodes.stream().map(NodeDefinition::name).toList();
    }

    /** Every node of the process and what makes it, in order: the defined ones, or the template's. */
    public java.util.List<NodeDefinition> nodes() {
        if (!definedNodes.isEmpty()) {
            return definedNodes;
        }
        return nodeNames().stream().map(name -> new NodeDefinition(name, provider, providerConfig, operatingSystem,
                taint, taintEnabled, java.util.List.of(), java.util.Map.of(), java.util.Map.of())).toList();
    }

    /** The providers the nodes use, each once, in order of first use. */
    public java.util.List<String> providers() {
        return nodes().stream().map(NodeDefinition::provider).distinct().toList();
    }

    /** The names of {@code count} nodes made from {@code base}: {@code base} alone, or {@code base-0} … */
    public static java.util.List<String> nodeNames(String base, int count) {
        return java.util.stream.IntStream.range(0, count).mapToObj(i -> nodeName(base, count, i)).toList();
    }

    /** The name of node {@code index} of {@code count} made from {@code base}. */
    public static String nodeName(String base, int count, int index) {
        return count == 1 ? base : base + "-" + index;
    }

    /** The same configuration against a local control plane: its kubeconfig, its CA for client certificates. */
    public RunConfig forLocalControlPlane(Path kubeconfigFile, Path clientCa) {
        return new RunConfig(nodeName, provider, providerConfig, new KubeAccess.Kubeconfig(kubeconfigFile), namespace,
                clusterDomain, operatingSystem, internalIp, listenPort, metricsAddr, taint, taintEnabled, nodeLeaseEnabled,
                podSyncWorkers, fullResyncPeriod, startupTimeout, streamIdleTimeout, streamCreationTimeout, kubeApiQps,
                kubeApiBurst, eventQps, eventBurst, tracing, logLevel, pluginDir, listenAddress, anonymousAuth,
                servingCerts.clientCa().isPresent() ? servingCerts : servingCerts.withClientCa(clientCa),
                providerTimeout, runtimeRequestTimeout, nodeCount, sharing, definedNodes);
    }
}
