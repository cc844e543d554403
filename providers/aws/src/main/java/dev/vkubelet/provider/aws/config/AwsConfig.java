package dev.vkubelet.provider.aws.config;

import dev.vkubelet.provider.aws.emulator.EmulatorSettings;
import dev.vkubelet.provider.cloudkit.ConfigFields;
import dev.vkubelet.tracing.Granularity;
import io.kubernetes.client.custom.Quantity;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The aws provider's settings. See the plugin's README for the file format.
 *
 * @param region the AWS region, e.g. {@code us-east-1}
 * @param cluster the ECS cluster the tasks run in (created when missing)
 * @param subnets the awsvpc subnets of the tasks
 * @param securityGroups the awsvpc security groups of the tasks
 * @param assignPublicIp whether tasks get a public IP
 * @param platformVersion the Fargate platform version
 * @param executionRoleArn the task execution role (needed by AWS for private images and awslogs)
 * @param logGroup the CloudWatch Logs group of the {@code awslogs} driver; no logs without it
 * @param capacity the node's capacity: cpu, memory, pods, ephemeral-storage
 * @param endpoint empty for the embedded emulator, else the ECS and Logs endpoint
 * @param useRealAws whether the endpoint is AWS's own (then {@code endpoint} is empty)
 * @param credentials how requests are signed
 * @param pollInterval how often task status is fetched
 * @param pendingPollInterval how soon a started task is described first, doubling until it runs or
 *     {@code pollInterval} is reached; zero leaves new tasks to the regular loop
 * @param maxAttempts how many times the SDK tries a request (throttling, 5xx, I/O errors)
 * @param traceGranularity the detail of this provider's spans, when it overrides the host's
 * @param emulator the embedded emulator's settings
 */
public record AwsConfig(
        String region,
        String cluster,
        List<String> subnets,
        List<String> securityGroups,
        boolean assignPublicIp,
        String platformVersion,
        Optional<String> executionRoleArn,
        Optional<String> logGroup,
        Map<String, Quantity> capacity,
        Optional<URI> endpoint,
        boolean useRealAws,
        Credentials credentials,
        Duration pollInterval,
        Duration pendingPollInterval,
        int maxAttempts,
        Optional<Granularity> traceGranularity,
        EmulatorSettings emulator) {

    /** The cluster name when none is configured. */
    public static final String DEFAULT_CLUSTER = "virtual-kubelet";
    /** How soon a new task is first described, by default. */
    public static final Duration DEFAULT_PENDING_POLL = Duration.ofMillis(250);
    /** The log group used with the embedded emulator when none is configured. */
    public static final String EMULATOR_LOG_GROUP = "/ecs/virtual-kubelet";

    private static final Set<String> KEYS = Set.of("region", "cluster", "subnets", "securityGroups", "assignPublicIp",
            "platformVersion", "executionRoleArn", "logGroup", "capacity", "endpoint", "credentials", "pollInterval",
            "pendingPollInterval", "maxAttempts", "traceGranularity", "emulator");
    /** Upstream's defaults: 20 cpu, 40Gi memory, 20 pods, 40Gi storage. */
    private static final Map<String, String> DEFAULT_CAPACITY = ConfigFields.orderedMap(
            "cpu", "20", "memory", "40Gi", "pods", "20", "ephemeral-storage", "40Gi");
    private static final Map<String, String> CAPACITY_FIELDS = ConfigFields.orderedMap(
            "cpu", "cpu", "memory", "memory", "pods", "pods", "storage", "ephemeral-storage");
    private static final String REGION = "[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\\d{1,2}";

    /**
     * How the SDK signs requests.
     *
     * @param chain use the SDK's default chain (environment, profile, container, instance)
     * @param accessKeyId the static key, when not {@code chain}
     * @param secretAccessKey the static secret, when not {@code chain}
     */
    public record Credentials(boolean chain, String accessKeyId, String secretAccessKey) {
        /** Static credentials the emulator accepts. */
        public static Credentials forEmulator() {
            return new Credentials(false, "AKIDEMULATOR", "emulator-secret");
        }
    }

    public AwsConfig {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(cluster, "cluster");
        subnets = List.copyOf(subnets);
        securityGroups = List.copyOf(securityGroups);
        capacity = Map.copyOf(capacity);
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(emulator, "emulator");
    }

    /** Whether the provider starts the embedded emulator. */
    public boolean embedded() {
        return endpoint.isEmpty() && !useRealAws;
    }

    /** Without a file: everything against the embedded emulator. */
    public static AwsConfig defaults() {
        return new AwsConfig("us-east-1", DEFAULT_CLUSTER, List.of("subnet-emulated"), List.of(), false, "LATEST",
                Optional.empty(), Optional.of(EMULATOR_LOG_GROUP), defaultCapacity(), Optional.empty(), false,
                Credentials.forEmulator(), Duration.ofSeconds(5), DEFAULT_PENDING_POLL, 10, Optional.empty(), EmulatorSettings.defaults());
    }

    private static Map<String, Quantity> defaultCapacity() {
        Map<String, Quantity> capacity = new LinkedHashMap<>();
        DEFAULT_CAPACITY.forEach((k, v) -> capacity.put(k, new Quantity(v)));
        return capacity;
    }

    /** Reads and checks {@code path}. */
    public static AwsConfig load(Path path) {
        return parse(ConfigFields.load(path, "aws provider config"));
    }

    static AwsConfig parse(ConfigFields f) {
        f.onlyKnown(KEYS);
        String region = f.string("region", "us-east-1");
        if (!region.matches(REGION)) {
            throw f.error("region", "is not an AWS region name like us-east-1: '" + region + "'");
        }
        String cluster = f.string("cluster", DEFAULT_CLUSTER);
        if (!cluster.matches("[A-Za-z0-9_-]{1,255}")) {
            throw f.error("cluster", "must be 1 to 255 letters, digits, hyphens or underscores: '" + cluster + "'");
        }
        List<String> subnets = f.strings("subnets");
        if (subnets.isEmpty()) {
            throw f.error("subnets", "is required: the awsvpc subnets tasks run in, e.g. [subnet-0123abcd]");
        }
        String endpointText = f.wordOrUrl("endpoint", "embedded", Set.of("embedded", "aws"),
                "'embedded', 'aws' or an http(s) URL");
        boolean realAws = "aws".equals(endpointText);
        Optional<URI> endpoint = "embedded".equals(endpointText) || realAws ? Optional.empty()
                : Optional.of(URI.create(endpointText));
        boolean embedded = endpoint.isEmpty() && !realAws;
        Optional<String> logGroup = Optional.ofNullable(f.string("logGroup", embedded ? EMULATOR_LOG_GROUP : null))
                .filter(s -> !s.isBlank());
        Map<String, Quantity> capacity = f.quantities("capacity", DEFAULT_CAPACITY, CAPACITY_FIELDS);
        Credentials credentials = credentials(f.object("credentials"), embedded);
        Duration poll = f.duration("pollInterval", Duration.ofSeconds(5));
        if (poll.compareTo(Duration.ofMillis(50)) < 0) {
            throw f.error("pollInterval", "must be at least 50ms");
        }
        Duration pending = f.duration("pendingPollInterval", DEFAULT_PENDING_POLL);
        if (!pending.isZero() && pending.compareTo(Duration.ofMillis(50)) < 0) {
            throw f.error("pendingPollInterval", "must be 0 (off) or at least 50ms");
        }
        int maxAttempts = (int) f.number("maxAttempts", 10, 1, 50);
        Optional<Granularity> granularity = f.granularity("traceGranularity");
        return new AwsConfig(region, cluster, subnets, f.strings("securityGroups"), f.bool("assignPublicIp", false),
                f.string("platformVersion", "LATEST"), Optional.ofNullable(f.string("executionRoleArn", null)),
                logGroup,
                capacity, endpoint, realAws, credentials, poll, pending, maxAttempts, granularity,
                emulator(f.object("emulator"), region));
    }

    private static Credentials credentials(ConfigFields f, boolean embedded) {
        f.onlyKnown(Set.of("type", "accessKeyId", "secretAccessKey"));
        String type = f.string("type", embedded ? "static" : "default");
        return switch (type) {
            case "default" -> new Credentials(true, null, null);
            case "static" -> {
                if (embedded && !f.has("accessKeyId")) {
                    yield Credentials.forEmulator();
                }
                String key = f.string("accessKeyId", null);
                String secret = f.string("secretAccessKey", null);
                if (key == null || key.isBlank()) {
                    throw f.error("accessKeyId", "is required with static credentials");
                }
                if (secret == null || secret.isBlank()) {
                    throw f.error("secretAccessKey", "is required with static credentials");
                }
                yield new Credentials(false, key, secret);
            }
            default -> throw f.error("type", "must be 'default' or 'static', not '" + type + "'");
        };
    }

    private static EmulatorSettings emulator(ConfigFields f, String region) {
        f.onlyKnown(Set.of("port", "timeScale", "latencies", "rateLimits", "faults"));
        EmulatorSettings d = EmulatorSettings.defaults();
        int port = (int) f.number("port", 0, 0, 65535);
        double scale = f.number("timeScale", 1.0, 0, 1000);
        ConfigFields l = f.object("latencies");
        l.onlyKnown(Set.of("provisioning", "pending", "activating", "deactivating", "stopping", "deprovisioning"));
        Map<String, EmulatorSettings.RateLimit> limits = new LinkedHashMap<>(d.rateLimits());
        ConfigFields r = f.object("rateLimits");
        r.onlyKnown(Set.copyOf(EmulatorSettings.GROUPS));
        for (String group : r.keys()) {
            ConfigFields g = r.object(group);
            g.onlyKnown(Set.of("rate", "burst"));
            limits.put(group, new EmulatorSettings.RateLimit(g.number("rate", limits.get(group).rate(), 0.001, 1e6),
                    g.number("burst", limits.get(group).burst(), 1, 1e6)));
        }
        ConfigFields faults = f.object("faults");
        faults.onlyKnown(Set.of("throttle", "serverError", "runTaskFailure", "seed"));
        return new EmulatorSettings(port, region, scale,
                l.latency("provisioning", d.provisioning()), l.latency("pending", d.pending()),
                l.latency("activating", d.activating()), l.latency("deactivating", d.deactivating()),
                l.latency("stopping", d.stopping()), l.latency("deprovisioning", d.deprovisioning()),
                limits, faults.number("throttle", 0, 0, 1), faults.number("serverError", 0, 0, 1),
                faults.number("runTaskFailure", 0, 0, 1), faults.keys().contains("seed")
                        ? java.util.OptionalLong.of((long) faults.number("seed", 0, Long.MIN_VALUE, Long.MAX_VALUE))
                        : java.util.OptionalLong.empty());
    }
}
