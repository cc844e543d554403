package dev.vkubelet.core.node;

import java.time.Duration;

/** The node controller's defaults, in one place. */
public final class NodeDefaults {

    /** How long a lease is valid without renewal. */
    public static final Duration LEASE_DURATION = Duration.ofSeconds(40);
    /** How often the lease is renewed (and the provider pinged). */
    public static final Duration RENEW_INTERVAL = Duration.ofSeconds(10);
    /** How often the node status is written even when nothing was notified. */
    public static final Duration STATUS_INTERVAL = Duration.ofMinutes(1);
    /** How long a provider ping may take before it counts as failed. */
    public static final Duration PING_TIMEOUT = Duration.ofSeconds(5);
    /** The namespace of node leases. */
    public static final String LEASE_NAMESPACE = "kube-node-lease";
    /** The default taint key; its value is the provider name. */
    public static final String TAINT_KEY = "virtual-kubelet.io/provider";
    /** The default taint effect. */
    public static final String TAINT_EFFECT = "NoSchedule";
    /** The reason on the Ready condition while provider pings fail. */
    public static final String PING_FAILED_REASON = "ProviderPingFailed";
    /** The architecture the node reports. */
    public static final String ARCHITECTURE = "amd64";

    private NodeDefaults() {}
}
