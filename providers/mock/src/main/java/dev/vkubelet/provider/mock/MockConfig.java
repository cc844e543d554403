package dev.vkubelet.provider.mock;

import dev.vkubelet.provider.cloudkit.Durations;
import dev.vkubelet.provider.InvalidInputException;
import dev.vkubelet.tracing.Granularity;
import io.kubernetes.client.custom.Quantity;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The mock provider's configuration for one node.
 *
 * <p>The file is JSON or YAML: an object keyed by node name, each value with optional {@code cpu},
 * {@code memory}, {@code pods} (Kubernetes quantities), {@code others} (extra resources, name to
 * quantity), {@code runningDelay} (how long a pod stays Pending, e.g. {@code 2s}) and
 * {@code traceGranularity} ({@code coarse}, {@code normal} or {@code fine}: overrides
 * {@code --trace-granularity} for this provider), {@code stateFile} (where the pods are kept across
 * restarts, see {@link MockState}) and {@code faults} (see {@link MockFaults}). A node that is not in
 * the file gets the defaults.
 *
 * @param cpu the node's cpu capacity
 * @param memory the node's memory capacity
 * @param pods how many pods the node takes
 * @param others other resources (e.g. {@code nvidia.com/gpu})
 * @param runningDelay how long created pods stay Pending before they run
 * @param traceGranularity the detail of this provider's spans, when it overrides the host's setting
 * @param stateFile where the pods are kept, when they must survive a restart
 * @param faults the faults injected into pod calls
 */
public record MockConfig(
        Quantity cpu, Quantity memory, Quantity pods, Map<String, Quantity> others, Duration runningDelay,
        Optional<Granularity> traceGranularity, Optional<Path> stateFile, MockFaults faults) {

    public static final String DEFAULT_CPU = "20";
    public static final String DEFAULT_MEMORY = "100Gi";
    public static final String DEFAULT_PODS = "20";

    private static final Set<String> KEYS = Set.of("cpu", "memory", "pods", "others", "runningDelay",
            "traceGranularity", "stateFile", "faults");

    public MockConfig {
        Objects.requireNonNull(cpu, "cpu");
        Objects.requireNonNull(memory, "memory");
        Objects.requireNonNull(pods, "pods");
        others = Map.copyOf(others);
        Objects.requireNonNull(runningDelay, "runningDelay");
        Objects.requireNonNull(traceGranularity, "traceGranularity");
        Objects.requireNonNull(stateFile, "stateFile");
        Objects.requireNonNull(faults, "faults");
    }

    /** cpu 20, memory 100Gi, pods 20, nothing else, no delay. */
    public static MockConfig defaults() {
        return new MockConfig(new Quantity(DEFAULT_CPU), new Quantity(DEFAULT_MEMORY), new Quantity(DEFAULT_PODS),
                Map.of(), Duration.ZERO, Optional.empty(), Optional.empty(), MockFaults.none());
    }

    /** Reads {@code path} and returns the entry for {@code nodeName} (or the defaults). */
    public static MockConfig load(Path path, String nodeName) {
        Object root;
        try (Reader reader = Files.newBufferedReader(path)) {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
        } catch (IOException e) {
            throw new InvalidInputException("cannot read mock provider config " + path + ": " + e.getMessage(), e);
        } catch (YAMLException e) {
            throw new InvalidInputException("mock provider config " + path + " is not valid JSON or YAML: "
                    + oneLine(e.getMessage()), e);
        }
        if (root == null) {
            return defaults();
        }
        if (!(root instanceof Map<?, ?> nodes)) {
            throw new InvalidInputException("mock provider config " + path
                    + " must be an object keyed by node name");
        }
        Object entry = nodes.get(nodeName);
        if (entry == null) {
            return defaults();
        }
        if (!(entry instanceof Map<?, ?> fields)) {
            throw new InvalidInputException("mock provider config " + path + ": entry '" + nodeName
                    + "' must be an object");
        }
        String where = "mock provider config " + path + ", node '" + nodeName + "'";
        for (Object key : fields.keySet()) {
            if (!KEYS.contains(String.valueOf(key))) {
                throw new InvalidInputException(where + ": unknown field '" + key + "' (known: cpu, memory, pods, "
                        + "others, runningDelay, traceGranularity, stateFile, faults)");
            }
        }
        Quantity cpu = quantity(where, "cpu", fields.get("cpu"), DEFAULT_CPU);
        Quantity memory = quantity(where, "memory", fields.get("memory"), DEFAULT_MEMORY);
        Quantity pods = quantity(where, "pods", fields.get("pods"), DEFAULT_PODS);
        Map<String, Quantity> others = new LinkedHashMap<>();
        Object rawOthers = fields.get("others");
        if (rawOthers != null) {
            if (!(rawOthers instanceof Map<?, ?> otherMap)) {
                throw new InvalidInputException(where + ": 'others' must be an object of resource name to quantity");
            }
            otherMap.forEach((k, v) -> others.put(String.valueOf(k), quantity(where, "others." + k, v, null)));
        }
        Duration delay = fields.get("runningDelay") == null
                ? Duration.ZERO
                : duration(where, String.valueOf(fields.get("runningDelay")));
        Optional<Granularity> granularity = Optional.empty();
        if (fields.get("traceGranularity") != null) {
            try {
                granularity = Optional.of(Granularity.parse(String.valueOf(fields.get("traceGranularity"))));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException(where + ": 'traceGranularity': " + e.getMessage(), e);
            }
        }
        Optional<Path> stateFile = Optional.ofNullable(fields.get("stateFile")).map(String::valueOf).map(Path::of);
        MockFaults faults = fields.get("faults") == null ? MockFaults.none()
                : MockFaults.parse(where, fields.get("faults"));
        return new MockConfig(cpu, memory, pods, others, delay, granularity, stateFile, faults);
    }

    private static Quantity quantity(String where, String field, Object raw, String fallback) {
        if (raw == null) {
            if (fallback == null) {
                throw new InvalidInputException(where + ": '" + field + "' has no value");
            }
            return new Quantity(fallback);
        }
        try {
            return new Quantity(String.valueOf(raw));
        } catch (RuntimeException e) {
            throw new InvalidInputException(where + ": '" + field + "' is not a Kubernetes quantity: '" + raw + "'", e);
        }
    }

    static Duration duration(String where, String text) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(where + ": 'runningDelay' is not a duration like 2s or 1m30s: '" + text
                    + "'", e);
        }
    }

    private static String oneLine(String message) {
        return message == null ? "parse error" : message.strip().replaceAll("\\s+", " ");
    }
}
