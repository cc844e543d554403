package dev.vkubelet.provider.aws.emulator;

import dev.vkubelet.provider.cloudkit.Latency;
import java.util.Map;
import java.util.Objects;

/**
 * How the emulated cloud behaves.
 *
 * @param port the loopback port to listen on, 0 for any free port
 * @param region the region named in ARNs
 * @param timeScale multiplies every latency: 1 is Fargate-like (seconds), 0.01 suits tests
 * @param provisioning PROVISIONING to PENDING (ENI attachment)
 * @param pending PENDING to ACTIVATING (image pull)
 * @param activating ACTIVATING to RUNNING
 * @param deactivating DEACTIVATING to STOPPING
 * @param stopping STOPPING to DEPROVISIONING (containers stop)
 * @param deprovisioning DEPROVISIONING to STOPPED (ENI detachment)
 * @param rateLimits token buckets per API group: {@code run} (RunTask, StopTask), {@code describe}
 *     (Describe*, List*), {@code register} (task definitions, clusters), {@code logs}
 * @param throttleRate the share of requests answered with ThrottlingException regardless of rate
 * @param serverErrorRate the share of requests answered with a 500 ServerException
 * @param runTaskFailureRate the share of RunTask calls answered with a {@code RESOURCE:ENI} failure
 * @param faultSeed the seed of the draws that inject those faults, so that a run repeats exactly
 *     (requests in the same order meet the same faults); empty for a different draw each run
 */
public record EmulatorSettings(
        int port,
        String region,
        double timeScale,
        Latency provisioning,
        Latency pending,
        Latency activating,
        Latency deactivating,
        Latency stopping,
        Latency deprovisioning,
        Map<String, RateLimit> rateLimits,
        double throttleRate,
        double serverErrorRate,
        double runTaskFailureRate,
        java.util.OptionalLong faultSeed) {

    /** The API groups that have a rate limit. */
    public static final java.util.List<String> GROUPS = java.util.List.of("run", "describe", "register", "logs");

    /**
     * A token bucket.
     *
     * @param rate tokens per second
     * @param burst bucket size
     */
    public record RateLimit(double rate, double burst) {
        public RateLimit {
            if (!(rate > 0) || !(burst >= 1)) {
                throw new IllegalArgumentException("a rate limit needs rate > 0 and burst >= 1");
            }
        }
    }

    public EmulatorSettings {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(provisioning, "provisioning");
        Objects.requireNonNull(pending, "pending");
        Objects.requireNonNull(activating, "activating");
        Objects.requireNonNull(deactivating, "deactivating");
        Objects.requireNonNull(stopping, "stopping");
        Objects.requireNonNull(deprovisioning, "deprovisioning");
        Objects.requireNonNull(faultSeed, "faultSeed");
        rateLimits = Map.copyOf(rateLimits);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (!(timeScale >= 0)) {
            throw new IllegalArgumentException("timeScale must be >= 0");
        }
        for (double rate : new double[] {throttleRate, serverErrorRate, runTaskFailureRate}) {
            if (!(rate >= 0 && rate <= 1)) {
                throw new IllegalArgumentException("fault rates are between 0 and 1");
            }
        }
    }

    /**
     * Fargate-shaped defaults: tasks take some 15 to 50 seconds to run and 10 to 20 to stop;
     * request rates roughly those AWS documents for ECS and CloudWatch Logs; no injected faults.
     */
    public static EmulatorSettings defaults() {
        return new EmulatorSettings(0, "us-east-1", 1.0,
                Latency.millis(5_000, 15_000), Latency.millis(8_000, 30_000), Latency.millis(1_000, 3_000),
                Latency.millis(1_000, 2_000), Latency.millis(2_000, 5_000), Latency.millis(5_000, 12_000),
                Map.of("run", new RateLimit(40, 100), "describe", new RateLimit(20, 100),
                        "register", new RateLimit(5, 50), "logs", new RateLimit(25, 50)),
                0, 0, 0, java.util.OptionalLong.empty());
    }

    public EmulatorSettings withPort(int newPort) {
        return new EmulatorSettings(newPort, region, timeScale, provisioning, pending, activating, deactivating,
                stopping, deprovisioning, rateLimits, throttleRate, serverErrorRate, runTaskFailureRate, faultSeed);
    }

    public EmulatorSettings withTimeScale(double scale) {
        return new EmulatorSettings(port, region, scale, provisioning, pending, activating, deactivating,
                stopping, deprovisioning, rateLimits, throttleRate, serverErrorRate, runTaskFailureRate, faultSeed);
    }

    public EmulatorSettings withFaults(double throttle, double serverError, double runTaskFailure) {
        return new EmulatorSettings(port, region, timeScale, provisioning, pending, activating, deactivating,
                stopping, deprovisioning, rateLimits, throttle, serverError, runTaskFailure, faultSeed);
    }

    /** The same settings with the fault draws seeded. */
    public EmulatorSettings withFaultSeed(long seed) {
        return new EmulatorSettings(port, region, timeScale, provisioning, pending, activating, deactivating,
                stopping, deprovisioning, rateLimits, throttleRate, serverErrorRate, runTaskFailureRate,
                java.util.OptionalLong.of(seed));
    }
}
