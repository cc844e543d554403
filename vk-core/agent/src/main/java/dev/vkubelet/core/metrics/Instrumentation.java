package dev.vkubelet.core.metrics;

import dev.vkubelet.provider.ProviderMetrics;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the node agent reports about itself. Every method has a no-op default, so a component can be
 * built without metrics; implementations are thread-safe and never throw.
 */
public interface Instrumentation {

    /** Records nothing. */
    Instrumentation NOOP = new Instrumentation() {};

    /** A key was queued on {@code queue}. */
    default void queueAdded(String queue) {}

    /** How to read {@code queue}'s depth (called once per queue). */
    default void queueDepth(String queue, Supplier<Number> depth) {}

    /** A worker took a key from {@code queue} after it waited {@code waited}. */
    default void queueTaken(String queue, Duration waited) {}

    /** A worker finished a key from {@code queue} in {@code took}, with {@code outcome} (done, retry, later). */
    default void queueProcessed(String queue, Duration took, String outcome) {}

    /** One call into the provider; {@code error} is the error class's simple name, or null on success. */
    default void providerCall(String provider, String operation, Duration took, String error) {}

    /** A pod reached Running {@code sinceCreation} after it was created. */
    default void podStarted(Duration sinceCreation) {}

    /** A pod's API object was removed {@code sinceDeletion} after deletion was requested. */
    default void podDeleted(Duration sinceDeletion) {}

    /** A pod status write was made, or skipped because nothing changed. */
    default void podStatusWrite(boolean written) {}

    /** How to count this node's pods by phase (called once). */
    default void podPhases(Supplier<Map<String, Long>> counts) {}

    /**
     * The per-node series, registered once: each node's pod count (from {@code podsByNode}, which
     * may be costly: it is read at most once a second), whether its provider answers its ping, and
     * how many seconds ago its lease was renewed ({@code leaseAge}: NaN before the first renewal
     * and for a node another replica serves).
     */
    default void nodes(java.util.List<String> nodes, Supplier<Map<String, Long>> podsByNode,
            java.util.function.Predicate<String> ready, java.util.function.ToDoubleFunction<String> leaseAge) {}

    /** A provider ping ended. */
    default void nodePing(boolean ok, Duration took) {}

    /** A lease renewal ended. */
    default void leaseRenewal(boolean ok) {}

    /** A node's heartbeat or status step started {@code lag} after its schedule. */
    default void heartbeatLag(Duration lag) {}

    /**
     * A lease renewal acknowledged by the API server {@code delay} after its scheduled time: how late
     * the heartbeat started plus how long the ping and the write took.
     */
    default void leaseRenewalDelay(Duration delay) {}

    /** A node status write ended. */
    default void nodeStatusUpdate(boolean ok) {}

    /** A plugin was loaded and offers {@code provider}. */
    default void pluginLoaded(String plugin, String version, String provider) {}

    /** Where provider {@code provider} records metrics of its own. */
    default ProviderMetrics providerMetrics(String provider) {
        return ProviderMetrics.none();
    }

    /** A kubelet API request was answered. */
    default void kubeletRequest(String route, int code, Duration took) {}

    /** How to count the kubelet API's open streams (log follows; exec, attach, port-forward later). */
    default void kubeletStreams(Supplier<Number> open) {}

    /** A request this agent made to the API server. */
    default void apiRequest(String verb, String resource, int code, Duration took) {}
}
