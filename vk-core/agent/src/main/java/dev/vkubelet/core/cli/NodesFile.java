package dev.vkubelet.core.cli;

import dev.vkubelet.core.app.NodeDefinition;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1Taint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * {@code --nodes-config FILE}: the nodes of a mixed fleet, one by one. YAML (or JSON):
 *
 * <pre>
 * nodes:
 *   - name: aci-westeurope                # required, a node name
 *     provider: azure                     # default: --provider
 *     providerConfig: azure-west.yaml     # relative to this file; default: --provider-config
 *     os: linux                           # default: --os
 *     labels: {topology.kubernetes.io/region: westeurope}
 *     taints: ["virtual-kubelet.io/provider=azure:NoSchedule"]   # default: the --taint one; [] for none
 *     capacity: {cpu: "200", memory: 800Gi, pods: "500"}         # over what the provider says
 * </pre>
 *
 * Every mistake names the file, the entry and the field.
 */
final class NodesFile {

    private static final Set<String> FIELDS = Set.of("name", "provider", "providerConfig", "os", "labels", "taints",
            "capacity");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile(
            "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?");

    /**
     * What an entry leaves out.
     *
     * @param provider {@code --provider}, or null when every entry must name its own
     * @param taint the taint of {@code --taint} or the environment, for {@code provider} (its
     *     value follows an entry's provider unless set explicitly)
     * @param taintValueGiven whether the taint's value was given (else it is the provider's name)
     */
    record Defaults(String provider, Optional<Path> providerConfig, String operatingSystem, V1Taint taint,
            boolean taintValueGiven, boolean taintEnabled) {}

    private NodesFile() {}

    /** The nodes {@code file} lists, in order. */
    static List<NodeDefinition> read(Path file, Defaults defaults) {
        Object root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
        } catch (IOException e) {
            throw new UsageException("--nodes-config " + file + " cannot be read: " + e.getMessage());
        } catch (YAMLException e) {
            throw new UsageException("--nodes-config " + file + " is not valid YAML: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        if (!(root instanceof Map<?, ?> top) || !(top.get("nodes") instanceof List<?> entries) || entries.isEmpty()) {
            throw new UsageException("--nodes-config " + file + " must have a non-empty list 'nodes'");
        }
        Set<String> unknownTop = new TreeSet<>(top.keySet().stream().map(String::valueOf).toList());
        unknownTop.remove("nodes");
        if (!unknownTop.isEmpty()) {
            throw new UsageException("--nodes-config " + file + ": unknown field(s) " + unknownTop + " (only 'nodes')");
        }
        List<NodeDefinition> nodes = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            String where = "--nodes-config " + file + ", node " + (i + 1);
            if (!(entries.get(i) instanceof Map<?, ?> entry)) {
                throw new UsageException(where + " must be a map with at least 'name'");
            }
            NodeDefinition node = entry(file, where, entry, defaults);
            if (!names.add(node.name())) {
                throw new UsageException(where + ": node '" + node.name() + "' is listed twice");
            }
            nodes.add(node);
        }
        return nodes;
    }

    private static NodeDefinition entry(Path file, String position, Map<?, ?> entry, Defaults defaults) {
        String where = position;
        Set<String> unknown = new TreeSet<>(entry.keySet().stream().map(String::valueOf).toList());
        unknown.removeAll(FIELDS);
        if (!unknown.isEmpty()) {
            throw new UsageException(where + ": unknown field(s) " + unknown + " (known: name, provider,"
                    + " providerConfig, os, labels, taints, capacity)");
        }
        String name = text(entry, "name", position)
                .orElseThrow(() -> new UsageException(position + ": 'name' is required"));
        if (name.length() > 253 || !DNS_SUBDOMAIN.matcher(name).matches()) {
            throw new UsageException(where + ": name '" + name + "' is not a valid node name (lower-case DNS subdomain)");
        }
        where = "--nodes-config " + file + ", node '" + name + "'";
        String provider = text(entry, "provider", where).orElse(defaults.provider());
        if (provider == null || provider.isBlank()) {
            throw new UsageException(where + ": no 'provider' and no --provider to fall back on");
        }
        Optional<Path> providerConfig = text(entry, "providerConfig", where)
                .map(p -> file.toAbsolutePath().getParent().resolve(p)).or(defaults::providerConfig);
        String configWhere = where;
        providerConfig.ifPresent(p -> {
            if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
                throw new UsageException(configWhere + ": providerConfig " + p + " does not exist or is not a readable"
                        + " file");
            }
        });
        String os = text(entry, "os", where).map(o -> o.toLowerCase(Locale.ROOT)).orElse(defaults.operatingSystem());
        if (!os.equals("linux") && !os.equals("windows")) {
            throw new UsageException(where + ": os '" + os + "' is not supported: use linux or windows");
        }
        Map<String, String> labels = new LinkedHashMap<>();
        for (Map.Entry<?, ?> label : map(entry, "labels", where).entrySet()) {
            String key = String.valueOf(label.getKey());
            String value = label.getValue() == null ? "" : String.valueOf(label.getValue());
            if (!TaintSpec.qualifiedName(key)) {
                throw new UsageException(where + ": label key '" + key + "' is not a valid qualified name");
            }
            if (value.length() > 63 || !LABEL_VALUE.matcher(value).matches()) {
                throw new UsageException(where + ": label '" + key + "' has value '" + value
                        + "', not a valid label value");
            }
            labels.put(key, value);
        }
        V1Taint ownDefault = new V1Taint().key(defaults.taint().getKey())
                .value(defaults.taintValueGiven() ? defaults.taint().getValue() : provider)
                .effect(defaults.taint().getEffect());
        V1Taint taint = ownDefault;
        boolean taintEnabled = defaults.taintEnabled();
        List<V1Taint> extra = new ArrayList<>();
        if (entry.containsKey("taints")) {
            if (!(entry.get("taints") instanceof List<?> listed)) {
                throw new UsageException(where + ": 'taints' must be a list of key[=value][:effect]");
            }
            List<V1Taint> taints = new ArrayList<>();
            for (Object spec : listed) {
                taints.add(TaintSpec.parse(where, String.valueOf(spec), new V1Taint().key("").value("")
                        .effect("NoSchedule")));
            }
            // exactly these: the first is the agent's own (kept up to date, removed when the list is empty)
            taintEnabled = !taints.isEmpty();
            taint = taints.isEmpty() ? ownDefault : taints.get(0);
            extra.addAll(taints.isEmpty() ? List.of() : taints.subList(1, taints.size()));
        }
        Map<String, Quantity> capacity = new LinkedHashMap<>();
        for (Map.Entry<?, ?> resource : map(entry, "capacity", where).entrySet()) {
            String amount = String.valueOf(resource.getValue());
            try {
                capacity.put(String.valueOf(resource.getKey()), Quantity.fromString(amount));
            } catch (RuntimeException e) {
                throw new UsageException(where + ": capacity " + resource.getKey() + " '" + amount
                        + "' is not a quantity (e.g. 4, 500m, 16Gi)");
            }
        }
        return new NodeDefinition(name, provider, providerConfig, os, taint, taintEnabled, extra, labels, capacity);
    }

    private static Optional<String> text(Map<?, ?> entry, String field, String where) {
        Object value = entry.get(field);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof Map || value instanceof List) {
            throw new UsageException(where + ": '" + field + "' must be a string");
        }
        return Optional.of(String.valueOf(value));
    }

    private static Map<?, ?> map(Map<?, ?> entry, String field, String where) {
        Object value = entry.get(field);
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new UsageException(where + ": '" + field + "' must be a map");
        }
        return map;
    }
}
