package dev.vkubelet.core.pod;

import dev.vkubelet.core.queue.Backoff;
import java.time.Duration;
import java.util.Objects;

/**
 * How the pod controller runs.
 *
 * @param nodeName the node whose pods are driven
 * @param hostIp the node's IP ({@code status.hostIP})
 * @param workers workers per queue ({@code --pod-sync-workers})
 * @param pollInterval how often status is polled from providers that do not push it
 * @param providerTimeout how long one provider call may take
 * @param backoff retry delays of a failing pod
 */
public record PodControllerSettings(
        String nodeName, String hostIp, int workers, Duration pollInterval, Duration providerTimeout,
        Backoff backoff) {

    /** Status poll interval for providers without notifications. */
    public static final Duration POLL_INTERVAL = Duration.ofSeconds(5);
    /** Default limit of one provider call. */
    public static final Duration PROVIDER_TIMEOUT = Duration.ofSeconds(60);
    /** Default retry delays: 200 ms doubling to at most 30 s, for as long as the pod exists. */
    public static final Backoff BACKOFF = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30));

    public PodControllerSettings {
        Objects.requireNonNull(nodeName, "nodeName");
        Objects.requireNonNull(hostIp, "hostIp");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(providerTimeout, "providerTimeout");
        Objects.requireNonNull(backoff, "backoff");
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1, got " + workers);
        }
    }

    /** The same with another limit for one provider call. */
    public PodControllerSettings withProviderTimeout(Duration limit) {
        return new PodControllerSettings(nodeName, hostIp, workers, pollInterval, limit, backoff);
    }

    /** Defaults for {@code nodeName} with {@code workers} workers. */
    public static PodControllerSettings of(String nodeName, String hostIp, int workers) {
        return new PodControllerSettings(nodeName, hostIp, workers, POLL_INTERVAL, PROVIDER_TIMEOUT, BACKOFF);
    }
}
