package dev.vkubelet.provider.azure.config;

import dev.vkubelet.provider.azure.emulator.ArmSettings;
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
 * The azure provider's settings. See the plugin's README for the file format.
 *
 * @param subscriptionId the Azure subscription
 * @param resourceGroup the resource group the container groups live in
 * @param region the Azure region of the container groups, e.g. {@code westus2}
 * @param osType {@code Linux} or {@code Windows}
 * @param capacity the node's capacity: cpu, memory, pods
 * @param armEndpoint empty for the embedded emulator, else the resource manager's URL
 * @param credentials how requests are authorised
 * @param pollInterval how often the tracker reads the groups
 * @param pendingPollInterval how soon a group just created is read, and again (doubling) while its
 *     pod is still pending, until {@code pollInterval} is reached; zero leaves it to the tracker
 * @param maxRetries how many times a request is retried (429 after {@code Retry-After}, 5xx, I/O)
 * @param traceGranularity the detail of this provider's spans, when it overrides the host's
 * @param emulator the embedded emulator's settings
 */
public record AzureConfig(
        String subscriptionId,
        String resourceGroup,
        String region,
        String osType,
        Map<String, Quantity> capacity,
        Optional<URI> armEndpoint,
        Credentials credentials,
        Duration pollInterval,
        Duration pendingPollInterval,
        int maxRetries,
        Optional<Granularity> traceGranularity,
        ArmSettings emulator) {

    /** The real cloud's resource manager. */
    public static final URI AZURE_CLOUD = URI.create("https://management.azure.com");
    /** How soon a group just created is read while its pod is pending, by default. */
    public static final Duration DEFAULT_PENDING_POLL = Duration.ofMillis(250);
    /** The subscription the emulator uses when none is configured. */
    public static final String EMULATOR_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";

    /** Upstream's defaults: 20 cpu, 100Gi memory, 20 pods. */
    private static final Map<String, String> DEFAULT_CAPACITY = ConfigFields.orderedMap("cpu", "20", "memory",
            "100Gi", "pods", "20");
    private static final Map<String, String> CAPACITY_FIELDS = ConfigFields.orderedMap("cpu", "cpu", "memory",
            "memory", "pods", "pods");
    private static final Set<String> KEYS = Set.of("subscriptionId", "resourceGroup", "region", "osType", "capacity",
            "armEndpoint", "credentials", "pollInterval", "pendingPollInterval", "maxRetries", "traceGranularity", "emulator");

    /**
     * How requests are authorised.
     *
     * @param type {@code token} (a fixed bearer token: the emulator, or a token you manage),
     *     {@code clientSecret} (a service principal) or {@code managedIdentity}
     * @param tenantId the tenant of a service principal
     * @param clientId the service principal's or user-assigned identity's client id
     * @param secret the client secret, or the token
     */
    public record Credentials(String type, String tenantId, String clientId, String secret) {
        /** A token the emulator accepts. */
        public static Credentials forEmulator() {
            return new Credentials("token", null, null, "emulator-token");
        }
    }

    public AzureConfig {
        Objects.requireNonNull(subscriptionId, "subscriptionId");
        Objects.requireNonNull(resourceGroup, "resourceGroup");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(osType, "osType");
        capacity = Map.copyOf(capacity);
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(emulator, "emulator");
    }

    /** Whether the provider starts the embedded emulator. */
    public boolean embedded() {
        return armEndpoint.isEmpty();
    }

    /** Without a file: everything against the embedded emulator. */
    public static AzureConfig defaults() {
        return new AzureConfig(EMULATOR_SUBSCRIPTION, "virtual-kubelet", "westus2", "Linux", defaultCapacity(),
                Optional.empty(), Credentials.forEmulator(), Duration.ofSeconds(5), DEFAULT_PENDING_POLL, 10, Optional.empty(),
                ArmSettings.defaults());
    }

    private static Map<String, Quantity> defaultCapacity() {
        Map<String, Quantity> capacity = new LinkedHashMap<>();
        DEFAULT_CAPACITY.forEach((k, v) -> capacity.put(k, new Quantity(v)));
        return capacity;
    }

    /** Reads and checks {@code path}. */
    public static AzureConfig load(Path path) {
        return parse(ConfigFields.load(path, "azure provider config"));
    }

    static AzureConfig parse(ConfigFields f) {
        f.onlyKnown(KEYS);
        String endpointText = f.wordOrUrl("armEndpoint", "embedded", Set.of("embedded"),
                "'embedded' or an http(s) URL such as " + AZURE_CLOUD);
        Optional<URI> endpoint = "embedded".equals(endpointText) ? Optional.empty()
                : Optional.of(URI.create(endpointText));
        boolean embedded = endpoint.isEmpty();
        String subscription = f.string("subscriptionId", embedded ? EMULATOR_SUBSCRIPTION : null);
        if (subscription == null || !subscription.matches("[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")) {
            throw f.error("subscriptionId", subscription == null ? "is required with an armEndpoint"
                    : "is not a subscription id (a GUID): '" + subscription + "'");
        }
        String resourceGroup = f.string("resourceGroup", null);
        if (resourceGroup == null || !resourceGroup.matches("[-\\w._()]{1,90}") || resourceGroup.endsWith(".")) {
            throw f.error("resourceGroup", resourceGroup == null ? "is required: the resource group of the "
                    + "container groups" : "is not a resource group name: '" + resourceGroup + "'");
        }
        String region = f.string("region", "westus2");
        if (!region.matches("[a-z]+[a-z0-9]*")) {
            throw f.error("region", "is not an Azure region name like westus2: '" + region + "'");
        }
        String osType = f.string("osType", "Linux");
        if (!osType.equals("Linux") && !osType.equals("Windows")) {
            throw f.error("osType", "must be Linux or Windows, not '" + osType + "'");
        }
        Duration poll = f.duration("pollInterval", Duration.ofSeconds(5));
        if (poll.compareTo(Duration.ofMillis(50)) < 0) {
            throw f.error("pollInterval", "must be at least 50ms");
        }
        Duration pending = f.duration("pendingPollInterval", DEFAULT_PENDING_POLL);
        if (!pending.isZero() && pending.compareTo(Duration.ofMillis(50)) < 0) {
            throw f.error("pendingPollInterval", "must be 0 (off) or at least 50ms");
        }
        Optional<Granularity> granularity = f.granularity("traceGranularity");
        return new AzureConfig(subscription, resourceGroup, region, osType,
                f.quantities("capacity", DEFAULT_CAPACITY, CAPACITY_FIELDS), endpoint,
                credentials(f.object("credentials"), embedded), poll, pending, (int) f.number("maxRetries", 10, 0, 50),
                granularity, emulator(f.object("emulator")));
    }

    private static Credentials credentials(ConfigFields f, boolean embedded) {
        f.onlyKnown(Set.of("type", "tenantId", "clientId", "clientSecret", "token"));
        String type = f.string("type", embedded ? "token" : null);
        if (type == null) {
            throw f.error("type", "is required with an armEndpoint: clientSecret, managedIdentity or token");
        }
        return switch (type) {
            case "token" -> {
                String token = f.string("token", embedded ? "emulator-token" : null);
                if (token == null || token.isBlank()) {
                    throw f.error("token", "is required with credentials of type token");
                }
                yield new Credentials("token", null, null, token);
            }
            case "clientSecret" -> {
                for (String field : List.of("tenantId", "clientId", "clientSecret")) {
                    if (!f.has(field)) {
                        throw f.error(field, "is required with credentials of type clientSecret");
                    }
                }
                yield new Credentials("clientSecret", f.string("tenantId", null), f.string("clientId", null),
                        f.string("clientSecret", null));
            }
            case "managedIdentity" -> new Credentials("managedIdentity", null, f.string("clientId", null), null);
            default -> throw f.error("type", "must be clientSecret, managedIdentity or token, not '" + type + "'");
        };
    }

    private static ArmSettings emulator(ConfigFields f) {
        f.onlyKnown(Set.of("port", "timeScale", "latencies", "requestRates", "pageSize", "faults"));
        ArmSettings d = ArmSettings.defaults();
        ConfigFields l = f.object("latencies");
        l.onlyKnown(Set.of("pending", "creating", "deleting", "restartDelay"));
        ConfigFields rates = f.object("requestRates");
        rates.onlyKnown(Set.of("reads", "writes"));
        ConfigFields faults = f.object("faults");
        faults.onlyKnown(Set.of("throttle", "serverError", "provisioningFailure"));
        return new ArmSettings((int) f.number("port", 0, 0, 65535), f.number("timeScale", 1.0, 0, 1000),
                l.latency("pending", d.pending()), l.latency("creating", d.creating()),
                l.latency("deleting", d.deleting()), l.latency("restartDelay", d.restartDelay()),
                rates.number("reads", d.readsPerSecond(), 0.001, 1e6),
                rates.number("writes", d.writesPerSecond(), 0.001, 1e6),
                (int) f.number("pageSize", d.pageSize(), 1, 1000),
                faults.number("throttle", 0, 0, 1), faults.number("serverError", 0, 0, 1),
                faults.number("provisioningFailure", 0, 0, 1));
    }
}
