package dev.vkubelet.core.env;

import dev.vkubelet.provider.ClusterResources;
import dev.vkubelet.provider.Models;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1EnvFromSource;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1EnvVarSource;
import io.kubernetes.client.openapi.models.V1EphemeralContainer;
import io.kubernetes.client.openapi.models.V1ObjectFieldSelector;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1ResourceFieldSelector;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1SecretKeySelector;
import io.kubernetes.client.openapi.models.V1Service;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves the environment of every container of a pod. Stateless; thread-safe.
 *
 * <p>Precedence is the kubelet's: {@code envFrom} sources in order (a later one wins), then
 * {@code env} (which wins over them), then the service variables where nothing else defined the name.
 * The kubelet gives the runtime no order (it collects the variables in a Go map); this resolver
 * gives one, so the same pod always yields the same list (a backend's task definition or container
 * group does not change for nothing): each name where it was first defined, with the value that
 * wins; the keys of one {@code envFrom} ConfigMap or Secret sorted by name; {@code env} in its
 * order; the service variables last, by service name.
 */
public final class EnvResolver {

    private static final Pattern ENV_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");
    private static final Pattern SUBSCRIPT = Pattern.compile("metadata\\.(labels|annotations)\\['(.*)'\\]");

    private final ClusterResources resources;
    private final Supplier<Map<String, Quantity>> nodeAllocatable;

    /**
     * @param resources where ConfigMaps, Secrets and Services are looked up
     * @param nodeAllocatable the node's allocatable resources, for {@code limits.*} of containers
     *     without a limit (as the kubelet does)
     */
    public EnvResolver(ClusterResources resources, Supplier<Map<String, Quantity>> nodeAllocatable) {
        this.resources = Objects.requireNonNull(resources, "resources");
        this.nodeAllocatable = Objects.requireNonNull(nodeAllocatable, "nodeAllocatable");
    }

    /**
     * The outcome: the pod with every container's {@code env} resolved to values and
     * {@code envFrom} folded in, what was missing, and whether the result depends on the pod's IP.
     *
     * @param pod the resolved copy (the argument is not changed)
     * @param events what was missing; a mandatory one means {@link #blocked()}
     * @param usesPodIp whether some variable refers to {@code status.podIP} or {@code status.podIPs}
     */
    public record Result(V1Pod pod, List<EnvEvent> events, boolean usesPodIp) {

        /** Whether a mandatory reference is missing: the pod must not be started yet. */
        public boolean blocked() {
            return events.stream().anyMatch(EnvEvent::mandatory);
        }
    }

    /** Resolves {@code pod}'s environment with {@code addresses} for status field references. */
    public Result resolve(V1Pod pod, PodAddresses addresses) {
        V1Pod copy = Models.copy(pod);
        List<EnvEvent> events = new ArrayList<>();
        boolean[] usesPodIp = {false};
        String namespace = copy.getMetadata().getNamespace();
        Map<String, String> serviceEnv = serviceEnv(copy, namespace);
        if (copy.getSpec().getInitContainers() != null) {
            for (V1Container c : copy.getSpec().getInitContainers()) {
                c.setEnv(resolveContainer(copy, c.getName(), c.getEnvFrom(), c.getEnv(), c.getResources(), serviceEnv,
                        addresses, events, usesPodIp));
                c.setEnvFrom(null);
            }
        }
        for (V1Container c : copy.getSpec().getContainers()) {
            c.setEnv(resolveContainer(copy, c.getName(), c.getEnvFrom(), c.getEnv(), c.getResources(), serviceEnv,
                    addresses, events, usesPodIp));
            c.setEnvFrom(null);
        }
        if (copy.getSpec().getEphemeralContainers() != null) {
            for (V1EphemeralContainer c : copy.getSpec().getEphemeralContainers()) {
                c.setEnv(resolveContainer(copy, c.getName(), c.getEnvFrom(), c.getEnv(), c.getResources(), serviceEnv,
                        addresses, events, usesPodIp));
                c.setEnvFrom(null);
            }
        }
        return new Result(copy, List.copyOf(new java.util.LinkedHashSet<>(events)), usesPodIp[0]);
    }

    private Map<String, String> serviceEnv(V1Pod pod, String namespace) {
        boolean links = pod.getSpec().getEnableServiceLinks() == null || pod.getSpec().getEnableServiceLinks();
        Map<String, V1Service> byName = new TreeMap<>();
        if (!"default".equals(namespace)) {
            resources.services("default").stream().filter(s -> "kubernetes".equals(s.getMetadata().getName()))
                    .forEach(s -> byName.put("kubernetes", s));
        }
        if (links) {
            resources.services(namespace).forEach(s -> byName.put(s.getMetadata().getName(), s));
        } else if ("default".equals(namespace)) {
            resources.services("default").stream().filter(s -> "kubernetes".equals(s.getMetadata().getName()))
                    .forEach(s -> byName.put("kubernetes", s));
        }
        return ServiceEnv.of(new ArrayList<>(byName.values()));
    }

    private List<V1EnvVar> resolveContainer(V1Pod pod, String container, List<V1EnvFromSource> envFrom,
            List<V1EnvVar> env, io.kubernetes.client.openapi.models.V1ResourceRequirements requirements,
            Map<String, String> serviceEnv, PodAddresses addresses, List<EnvEvent> events, boolean[] usesPodIp) {
        String ns = pod.getMetadata().getNamespace();
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, V1SecretKeySelector> fromSecrets = new LinkedHashMap<>();
        if (envFrom != null) {
            for (V1EnvFromSource source : envFrom) {
                String prefix = source.getPrefix() == null ? "" : source.getPrefix();
                if (source.getConfigMapRef() != null) {
                    String name = source.getConfigMapRef().getName();
                    boolean optional = Boolean.TRUE.equals(source.getConfigMapRef().getOptional());
                    Optional<V1ConfigMap> cm = resources.configMap(ns, name);
                    if (cm.isEmpty()) {
                        events.add(missing(optional, "ConfigMapNotFound", "configmap " + ns + "/" + name + " not found"));
                        continue;
                    }
                    if (cm.get().getData() != null) {
                        new TreeMap<>(cm.get().getData()).forEach((k, v) -> {
                            if (putValid(values, prefix + k, v)) {
                                fromSecrets.remove(prefix + k);
                            }
                        });
                    }
                } else if (source.getSecretRef() != null) {
                    String name = source.getSecretRef().getName();
                    boolean optional = Boolean.TRUE.equals(source.getSecretRef().getOptional());
                    Optional<V1Secret> secret = resources.secret(ns, name);
                    if (secret.isEmpty()) {
                        events.add(missing(optional, "SecretNotFound", "secret " + ns + "/" + name + " not found"));
                        continue;
                    }
                    if (secret.get().getData() != null) {
                        new TreeMap<>(secret.get().getData()).forEach((k, v) -> {
                            if (putValid(values, prefix + k, new String(v, StandardCharsets.UTF_8))) {
                                fromSecrets.put(prefix + k, new V1SecretKeySelector().name(name).key(k));
                            }
                        });
                    }
                }
            }
        }
        if (env != null) {
            for (V1EnvVar var : env) {
                String value;
                if (var.getValueFrom() == null) {
                    String raw = var.getValue() == null ? "" : var.getValue();
                    value = raw.isEmpty() ? "" : Expansion.expand(raw, n -> values.containsKey(n) ? values.get(n)
                            : serviceEnv.get(n));
                } else if (var.getValueFrom().getFieldRef() != null) {
                    V1ObjectFieldSelector ref = var.getValueFrom().getFieldRef();
                    if (ref.getFieldPath().startsWith("status.podIP")) {
                        usesPodIp[0] = true;
                    }
                    value = fieldValue(pod, ref.getFieldPath(), addresses);
                } else if (var.getValueFrom().getResourceFieldRef() != null) {
                    value = resourceValue(var.getValueFrom().getResourceFieldRef(), container, pod, requirements);
                } else if (var.getValueFrom().getConfigMapKeyRef() != null) {
                    var ref = var.getValueFrom().getConfigMapKeyRef();
                    boolean optional = Boolean.TRUE.equals(ref.getOptional());
                    Optional<V1ConfigMap> cm = resources.configMap(ns, ref.getName());
                    if (cm.isEmpty()) {
                        events.add(missing(optional, "ConfigMapNotFound",
                                "configmap " + ns + "/" + ref.getName() + " not found"));
                        continue;
                    }
                    String found = cm.get().getData() == null ? null : cm.get().getData().get(ref.getKey());
                    if (found == null) {
                        events.add(missing(optional, "ConfigMapKeyNotFound", "key " + ref.getKey()
                                + " not found in configmap " + ns + "/" + ref.getName()));
                        continue;
                    }
                    value = found;
                } else if (var.getValueFrom().getSecretKeyRef() != null) {
                    var ref = var.getValueFrom().getSecretKeyRef();
                    boolean optional = Boolean.TRUE.equals(ref.getOptional());
                    Optional<V1Secret> secret = resources.secret(ns, ref.getName());
                    if (secret.isEmpty()) {
                        events.add(missing(optional, "SecretNotFound",
                                "secret " + ns + "/" + ref.getName() + " not found"));
                        continue;
                    }
                    byte[] found = secret.get().getData() == null ? null : secret.get().getData().get(ref.getKey());
                    if (found == null) {
                        events.add(missing(optional, "SecretKeyNotFound", "key " + ref.getKey()
                                + " not found in secret " + ns + "/" + ref.getName()));
                        continue;
                    }
                    value = new String(found, StandardCharsets.UTF_8);
                    fromSecrets.put(var.getName(), new V1SecretKeySelector().name(ref.getName()).key(ref.getKey()));
                    values.put(var.getName(), value);
                    continue;
                } else {
                    value = "";
                }
                values.put(var.getName(), value);
                fromSecrets.remove(var.getName());
            }
        }
        serviceEnv.forEach(values::putIfAbsent);
        List<V1EnvVar> resolved = new ArrayList<>(values.size());
        values.forEach((k, v) -> {
            V1EnvVar var = new V1EnvVar().name(k).value(v);
            if (fromSecrets.containsKey(k)) {
                var.valueFrom(new V1EnvVarSource().secretKeyRef(fromSecrets.get(k)));
            }
            resolved.add(var);
        });
        return resolved.isEmpty() ? null : resolved;
    }

    /** Puts a variable from an {@code envFrom} source if its name is valid; tells whether it did. */
    private static boolean putValid(Map<String, String> values, String name, String value) {
        if (ENV_NAME.matcher(name).matches()) {
            values.put(name, value);
            return true;
        }
        return false;
    }

    private static EnvEvent missing(boolean optional, String what, String message) {
        return new EnvEvent(!optional, (optional ? "Optional" : "Mandatory") + what, message);
    }

    /** The value of a {@code fieldRef}; an unsupported path is an {@link IllegalArgumentException}. */
    static String fieldValue(V1Pod pod, String path, PodAddresses addresses) {
        Matcher subscript = SUBSCRIPT.matcher(path);
        if (subscript.matches()) {
            Map<String, String> map = "labels".equals(subscript.group(1))
                    ? pod.getMetadata().getLabels() : pod.getMetadata().getAnnotations();
            return map == null ? "" : map.getOrDefault(subscript.group(2), "");
        }
        return switch (path) {
            case "metadata.name" -> pod.getMetadata().getName();
            case "metadata.namespace" -> pod.getMetadata().getNamespace();
            case "metadata.uid" -> String.valueOf(pod.getMetadata().getUid());
            case "metadata.labels" -> formatMap(pod.getMetadata().getLabels());
            case "metadata.annotations" -> formatMap(pod.getMetadata().getAnnotations());
            case "spec.nodeName" -> String.valueOf(pod.getSpec().getNodeName());
            case "spec.serviceAccountName" -> pod.getSpec().getServiceAccountName() == null
                    ? "" : pod.getSpec().getServiceAccountName();
            case "status.hostIP", "status.hostIPs" -> addresses.hostIp();
            case "status.podIP" -> addresses.podIp();
            case "status.podIPs" -> String.join(",", addresses.podIps());
            default -> throw new IllegalArgumentException("unsupported fieldRef " + path);
        };
    }

    private static String formatMap(Map<String, String> map) {
        if (map == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        new TreeMap<>(map).forEach((k, v) -> out.append(k).append("=\"").append(v.replace("\\", "\\\\")
                .replace("\n", "\\n").replace("\"", "\\\"")).append("\"\n"));
        return out.toString().stripTrailing();
    }

    private String resourceValue(V1ResourceFieldSelector ref, String container, V1Pod pod,
            io.kubernetes.client.openapi.models.V1ResourceRequirements own) {
        io.kubernetes.client.openapi.models.V1ResourceRequirements requirements = own;
        if (ref.getContainerName() != null && !ref.getContainerName().isEmpty()
                && !ref.getContainerName().equals(container)) {
            requirements = pod.getSpec().getContainers().stream()
                    .filter(c -> ref.getContainerName().equals(c.getName())).findFirst()
                    .map(V1Container::getResources)
                    .orElseThrow(() -> new IllegalArgumentException("resourceFieldRef names unknown container "
                            + ref.getContainerName()));
        }
        String resource = ref.getResource();
        int dot = resource.indexOf('.');
        if (dot < 0) {
            throw new IllegalArgumentException("unsupported resourceFieldRef " + resource);
        }
        String kind = resource.substring(0, dot);
        String name = resource.substring(dot + 1);
        Quantity quantity = null;
        if (requirements != null) {
            Map<String, Quantity> map = "limits".equals(kind) ? requirements.getLimits() : requirements.getRequests();
            quantity = map == null ? null : map.get(name);
        }
        if (quantity == null && "limits".equals(kind)) {
            quantity = nodeAllocatable.get().get(name);
        }
        BigDecimal amount = quantity == null ? BigDecimal.ZERO : quantity.getNumber();
        BigDecimal divisor = ref.getDivisor() == null ? BigDecimal.ONE : ref.getDivisor().getNumber();
        if (divisor.signum() <= 0) {
            throw new IllegalArgumentException("resourceFieldRef divisor must be positive");
        }
        return amount.divide(divisor, 0, RoundingMode.CEILING).toPlainString();
    }
}
