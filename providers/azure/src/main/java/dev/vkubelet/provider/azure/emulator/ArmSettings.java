package dev.vkubelet.provider.azure.emulator;

import dev.vkubelet.provider.cloudkit.Latency;
import java.util.Objects;

/**
 * How the emulated ARM behaves.
 *
 * @param port the loopback port, 0 for any free port
 * @param timeScale multiplies every latency: 1 is ACI-like (tens of seconds), 0.01 suits tests
 * @param pending provisioning state Pending to Creating (scheduling)
 * @param creating Creating to Succeeded (image pull, container start)
 * @param deleting how long a DELETE takes
 * @param restartDelay how long an exited container takes to restart under {@code Always} or {@code OnFailure}
 * @param readsPerSecond token bucket of GET requests (rate and burst)
 * @param writesPerSecond token bucket of PUT, POST and DELETE requests (rate and burst)
 * @param pageSize groups per page of a list (the rest behind {@code nextLink})
 * @param throttleRate the share of requests answered 429 regardless of rate
 * @param serverErrorRate the share of requests answered 500
 * @param provisioningFailureRate the share of created groups whose provisioning fails
 */
public record ArmSettings(
        int port,
        double timeScale,
        Latency pending,
        Latency creating,
        Latency deleting,
        Latency restartDelay,
        double readsPerSecond,
        double writesPerSecond,
        int pageSize,
        double throttleRate,
        double serverErrorRate,
        double provisioningFailureRate) {

    public ArmSettings {
        Objects.requireNonNull(pending, "pending");
        Objects.requireNonNull(creating, "creating");
        Objects.requireNonNull(deleting, "deleting");
        Objects.requireNonNull(restartDelay, "restartDelay");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (!(timeScale >= 0) || !(readsPerSecond > 0) || !(writesPerSecond > 0) || pageSize < 1) {
            throw new IllegalArgumentException("timeScale >= 0, request rates > 0 and pageSize >= 1 are required");
        }
        for (double rate : new double[] {throttleRate, serverErrorRate, provisioningFailureRate}) {
            if (!(rate >= 0 && rate <= 1)) {
                throw new IllegalArgumentException("fault rates are between 0 and 1");
            }
        }
    }

    /**
     * ACI-shaped defaults: a group takes some 20 to 60 seconds to run and 5 to 15 to delete; ARM's
     * request budget (about 20 reads and 5 writes a second per subscription); no injected faults.
     */
    public static ArmSettings defaults() {
        return new ArmSettings(0, 1.0, Latency.millis(3_000, 10_000), Latency.millis(15_000, 50_000),
                Latency.millis(5_000, 15_000), Latency.millis(1_000, 5_000), 20, 5, 100, 0, 0, 0);
    }

    public ArmSettings withPort(int newPort) {
        return new ArmSettings(newPort, timeScale, pending, creating, deleting, restartDelay, readsPerSecond,
                writesPerSecond, pageSize, throttleRate, serverErrorRate, provisioningFailureRate);
    }

    public ArmSettings withTimeScale(double scale) {
        return new ArmSettings(port, scale, pending, creating, deleting, restartDelay, readsPerSecond,
                writesPerSecond, pageSize, throttleRate, serverErrorRate, provisioningFailureRate);
    }

    public ArmSettings withFaults(double throttle, double serverError, double provisioningFailure) {
        return new ArmSettings(port, timeScale, pending, creating, deleting, restartDelay, readsPerSecond,
                writesPerSecond, pageSize, throttle, serverError, provisioningFailure);
    }

    public ArmSettings withPageSize(int size) {
        return new ArmSettings(port, timeScale, pending, creating, deleting, restartDelay, readsPerSecond,
                writesPerSecond, size, throttleRate, serverErrorRate, provisioningFailureRate);
    }
}
