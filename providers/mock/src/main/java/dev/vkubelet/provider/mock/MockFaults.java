package dev.vkubelet.provider.mock;

import dev.vkubelet.provider.cloudkit.Durations;
import dev.vkubelet.provider.InvalidInputException;
import dev.vkubelet.provider.RetriableException;
import io.kubernetes.client.openapi.models.V1ContainerState;
import io.kubernetes.client.openapi.models.V1ContainerStateRunning;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Faults the mock provider injects into its own pod calls ({@code createPod}, {@code updatePod},
 * {@code deletePod}, {@code getPodStatus}), to test how the host copes: latency, retriable errors,
 * unexpected exceptions (a provider bug), calls that hang, and malformed statuses. Rules are matched
 * by pod name; the first matching rule applies.
 */
record MockFaults(List<Rule> rules) {

    private static final Set<String> KEYS = Set.of("pods", "errorRate", "exceptionRate", "garbageRate", "hangRate",
            "hangFor", "latency");

    /**
     * One rule.
     *
     * @param pods the pod names it applies to
     * @param errorRate the share of calls failing with a {@link RetriableException}
     * @param exceptionRate the share of calls throwing an {@link IllegalStateException}
     * @param garbageRate the share of status reads answered, and pushes sent, with a malformed status
     * @param hangRate the share of calls that block for {@code hangFor} (or until interrupted)
     * @param hangFor how long a hanging call blocks
     * @param latencyMin the least latency added to every call
     * @param latencyMax the most latency added to every call
     */
    record Rule(Pattern pods, double errorRate, double exceptionRate, double garbageRate, double hangRate,
            Duration hangFor, Duration latencyMin, Duration latencyMax) {
        Rule {
            Objects.requireNonNull(pods, "pods");
            Objects.requireNonNull(hangFor, "hangFor");
            Objects.requireNonNull(latencyMin, "latencyMin");
            Objects.requireNonNull(latencyMax, "latencyMax");
        }
    }

    MockFaults {
        rules = List.copyOf(rules);
    }

    /** No faults. */
    static MockFaults none() {
        return new MockFaults(List.of());
    }

    /** Parses the {@code faults} field: a list of rules (or one rule). */
    static MockFaults parse(String where, Object raw) {
        List<?> items = raw instanceof List<?> list ? list : List.of(raw);
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String at = where + ": 'faults[" + i + "]'";
            if (!(items.get(i) instanceof Map<?, ?> fields)) {
                throw new InvalidInputException(at + " must be an object");
            }
            for (Object key : fields.keySet()) {
                if (!KEYS.contains(String.valueOf(key))) {
                    throw new InvalidInputException(at + ": unknown field '" + key + "' (known: pods, errorRate,"
                            + " exceptionRate, garbageRate, hangRate, hangFor, latency)");
                }
            }
            Pattern pods;
            try {
                pods = Pattern.compile(String.valueOf(fields.get("pods") == null ? ".*" : fields.get("pods")));
            } catch (PatternSyntaxException e) {
                throw new InvalidInputException(at + ": 'pods' is not a regular expression: " + e.getDescription(), e);
            }
            Duration[] latency = latency(at, fields.get("latency"));
            rules.add(new Rule(pods, rate(at, "errorRate", fields.get("errorRate")),
                    rate(at, "exceptionRate", fields.get("exceptionRate")), rate(at, "garbageRate",
                    fields.get("garbageRate")), rate(at, "hangRate", fields.get("hangRate")),
                    fields.get("hangFor") == null ? Duration.ofMinutes(10) : duration(at, "hangFor",
                    String.valueOf(fields.get("hangFor"))), latency[0], latency[1]));
        }
        return new MockFaults(rules);
    }

    private static double rate(String at, String field, Object raw) {
        if (raw == null) {
            return 0;
        }
        double rate;
        try {
            rate = Double.parseDouble(String.valueOf(raw));
        } catch (NumberFormatException e) {
            throw new InvalidInputException(at + ": '" + field + "' is not a number: '" + raw + "'");
        }
        if (!(rate >= 0 && rate <= 1)) {
            throw new InvalidInputException(at + ": '" + field + "' must be between 0 and 1, got " + raw);
        }
        return rate;
    }

    private static Duration duration(String at, String field, String text) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(at + ": '" + field + "' is not a duration like 50ms or 2s: '" + text + "'",
                    e);
        }
    }

    /** {@code 20ms} or {@code 10ms-50ms}. */
    private static Duration[] latency(String at, Object raw) {
        if (raw == null) {
            return new Duration[] {Duration.ZERO, Duration.ZERO};
        }
        String text = String.valueOf(raw);
        int dash = text.indexOf('-');
        Duration min = duration(at, "latency", dash < 0 ? text : text.substring(0, dash).trim());
        Duration max = dash < 0 ? min : duration(at, "latency", text.substring(dash + 1).trim());
        if (max.compareTo(min) < 0) {
            throw new InvalidInputException(at + ": 'latency' range " + text + " ends before it starts");
        }
        return new Duration[] {min, max};
    }

    private Rule rule(String podName) {
        for (Rule rule : rules) {
            if (rule.pods().matcher(podName).matches()) {
                return rule;
            }
        }
        return null;
    }

    /** What happens before {@code call} on pod {@code podName}: latency, then maybe a hang, an error or a bug. */
    void before(String call, String podName) {
        Rule rule = rule(podName);
        if (rule == null) {
            return;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long min = rule.latencyMin().toNanos();
        long max = rule.latencyMax().toNanos();
        long latency = max > min ? random.nextLong(min, max + 1) : min;
        if (random.nextDouble() < rule.hangRate()) {
            latency += rule.hangFor().toNanos();
        }
        if (latency > 0) {
            try {
                Thread.sleep(latency / 1_000_000, (int) (latency % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RetriableException("mock fault: " + call + " of " + podName + " interrupted while hanging");
            }
        }
        double draw = random.nextDouble();
        if (draw < rule.errorRate()) {
            throw new RetriableException("mock fault: injected error in " + call + " of " + podName);
        }
        if (draw < rule.errorRate() + rule.exceptionRate()) {
            throw new IllegalStateException("mock fault: injected bug in " + call + " of " + podName);
        }
    }

    /** A malformed status instead of the real one, or null: an unknown phase and a container the pod lacks. */
    V1PodStatus garbage(String podName) {
        Rule rule = rule(podName);
        if (rule == null || ThreadLocalRandom.current().nextDouble() >= rule.garbageRate()) {
            return null;
        }
        return new V1PodStatus().phase("Bogus").containerStatuses(List.of(new V1ContainerStatus().name("ghost")
                .image("none").imageID("").ready(true).restartCount(-1)
                .state(new V1ContainerState().running(new V1ContainerStateRunning()))));
    }
}
