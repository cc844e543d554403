package dev.vkubelet.provider.azure.aci;

import com.azure.resourcemanager.containerinstance.fluent.models.ContainerGroupInner;
import com.azure.resourcemanager.containerinstance.models.Container;
import com.azure.resourcemanager.containerinstance.models.ContainerGroupIpAddressType;
import com.azure.resourcemanager.containerinstance.models.ContainerGroupNetworkProtocol;
import com.azure.resourcemanager.containerinstance.models.ContainerGroupRestartPolicy;
import com.azure.resourcemanager.containerinstance.models.ContainerNetworkProtocol;
import com.azure.resourcemanager.containerinstance.models.ContainerPort;
import com.azure.resourcemanager.containerinstance.models.EnvironmentVariable;
import com.azure.resourcemanager.containerinstance.models.IpAddress;
import com.azure.resourcemanager.containerinstance.models.OperatingSystemTypes;
import com.azure.resourcemanager.containerinstance.models.Port;
import com.azure.resourcemanager.containerinstance.models.ResourceLimits;
import com.azure.resourcemanager.containerinstance.models.ResourceRequests;
import com.azure.resourcemanager.containerinstance.models.ResourceRequirements;
import dev.vkubelet.provider.InvalidInputException;
import dev.vkubelet.provider.azure.config.AzureConfig;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerPort;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1Pod;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Pods as container groups. */
public final class GroupMapping {

    /** Tags every group carries, as azure-aci set them; only groups tagged with this node are ours. */
    public static final String TAG_POD = "PodName";
    public static final String TAG_NODE = "NodeName";
    public static final String TAG_NAMESPACE = "Namespace";
    public static final String TAG_UID = "UID";
    public static final String TAG_CREATED = "CreationTimestamp";

    /** ACI's defaults when a container asks for nothing: 1 core, 1.5 GB. */
    static final double DEFAULT_CPU = 1.0;
    static final double DEFAULT_MEMORY_GB = 1.5;

    private static final BigDecimal GB = BigDecimal.valueOf(1_000_000_000L);

    private final AzureConfig config;

    public GroupMapping(AzureConfig config) {
        this.config = config;
    }

    /**
     * {@code <namespace>-<pod>}, as azure-aci names groups; a name ACI would refuse (over 63
     * characters, or with characters other than lower-case letters, digits and '-') is shortened
     * and made unique with a hash of the pod's key.
     */
    public static String groupName(String namespace, String name) {
        String plain = namespace + "-" + name;
        if (plain.length() <= 63 && plain.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
            return plain;
        }
        String cleaned = plain.toLowerCase().replaceAll("[^a-z0-9-]", "-");
        String prefix = cleaned.length() > 54 ? cleaned.substring(0, 54) : cleaned;
        prefix = prefix.replaceAll("^-+", "").replaceAll("-+$", "");
        return (prefix.isEmpty() ? "pod" : prefix) + "-" + hash(namespace + "/" + name);
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The container group of {@code pod} on node {@code nodeName}. */
    public ContainerGroupInner group(V1Pod pod, String nodeName) {
        List<Container> containers = new ArrayList<>();
        List<Port> groupPorts = new ArrayList<>();
        for (V1Container c : pod.getSpec().getContainers()) {
            Container container = new Container().withName(c.getName()).withImage(c.getImage())
                    .withResources(resources(c));
            List<String> command = new ArrayList<>();
            if (c.getCommand() != null) {
                command.addAll(c.getCommand());
            }
            if (c.getArgs() != null) {
                command.addAll(c.getArgs());
            }
            if (!command.isEmpty()) {
                container.withCommand(command);
            }
            if (c.getPorts() != null && !c.getPorts().isEmpty()) {
                List<ContainerPort> ports = new ArrayList<>();
                for (V1ContainerPort p : c.getPorts()) {
                    boolean udp = "UDP".equals(p.getProtocol());
                    if ("SCTP".equals(p.getProtocol())) {
                        throw new InvalidInputException("container " + c.getName() + ": ACI does not support SCTP");
                    }
                    ports.add(new ContainerPort().withPort(p.getContainerPort())
                            .withProtocol(udp ? ContainerNetworkProtocol.UDP : ContainerNetworkProtocol.TCP));
                    groupPorts.add(new Port().withPort(p.getContainerPort())
                            .withProtocol(udp ? ContainerGroupNetworkProtocol.UDP : ContainerGroupNetworkProtocol.TCP));
                }
                container.withPorts(ports);
            }
            if (c.getEnv() != null && !c.getEnv().isEmpty()) {
                List<EnvironmentVariable> env = new ArrayList<>();
                for (V1EnvVar e : c.getEnv()) {
                    String value = e.getValue() == null ? "" : e.getValue();
                    boolean secret = e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null;
                    env.add(secret ? new EnvironmentVariable().withName(e.getName()).withSecureValue(value)
                            : new EnvironmentVariable().withName(e.getName()).withValue(value));
                }
                container.withEnvironmentVariables(env);
            }
            containers.add(container);
        }
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(TAG_POD, pod.getMetadata().getName());
        tags.put(TAG_NAMESPACE, pod.getMetadata().getNamespace());
        tags.put(TAG_NODE, nodeName);
        tags.put(TAG_UID, pod.getMetadata().getUid());
        if (pod.getMetadata().getCreationTimestamp() != null) {
            tags.put(TAG_CREATED, pod.getMetadata().getCreationTimestamp().toString());
        }
        ContainerGroupInner group = new ContainerGroupInner().withContainers(containers)
                .withOsType(OperatingSystemTypes.fromString(config.osType()))
                .withRestartPolicy(restartPolicy(pod.getSpec().getRestartPolicy()));
        group.withLocation(config.region()).withTags(tags);
        if (!groupPorts.isEmpty()) {
            group.withIpAddress(new IpAddress().withType(ContainerGroupIpAddressType.PUBLIC).withPorts(groupPorts));
        }
        return group;
    }

    private static ContainerGroupRestartPolicy restartPolicy(String policy) {
        if ("Never".equals(policy)) {
            return ContainerGroupRestartPolicy.NEVER;
        }
        return "OnFailure".equals(policy) ? ContainerGroupRestartPolicy.ON_FAILURE : ContainerGroupRestartPolicy.ALWAYS;
    }

    /** Requests (or the limits, when only they are set; else ACI's defaults) and limits when set. */
    static ResourceRequirements resources(V1Container c) {
        Map<String, Quantity> requests = c.getResources() == null ? null : c.getResources().getRequests();
        Map<String, Quantity> limits = c.getResources() == null ? null : c.getResources().getLimits();
        Double cpuLimit = cores(limits);
        Double memoryLimit = gigabytes(limits);
        Double cpu = cores(requests);
        Double memory = gigabytes(requests);
        ResourceRequirements r = new ResourceRequirements().withRequests(new ResourceRequests()
                .withCpu(cpu != null ? cpu : cpuLimit != null ? cpuLimit : DEFAULT_CPU)
                .withMemoryInGB(memory != null ? memory : memoryLimit != null ? memoryLimit : DEFAULT_MEMORY_GB));
        if (cpuLimit != null || memoryLimit != null) {
            r.withLimits(new ResourceLimits().withCpu(cpuLimit).withMemoryInGB(memoryLimit));
        }
        return r;
    }

    /** cores rounded up to two decimals, as ACI takes them. */
    static Double cores(Map<String, Quantity> values) {
        Quantity q = values == null ? null : values.get("cpu");
        return q == null ? null : q.getNumber().setScale(2, RoundingMode.CEILING).doubleValue();
    }

    /** GB (10^9 bytes) rounded up to one decimal, as ACI takes them. */
    static Double gigabytes(Map<String, Quantity> values) {
        Quantity q = values == null ? null : values.get("memory");
        return q == null ? null : q.getNumber().divide(GB, 1, RoundingMode.CEILING).doubleValue();
    }
}
