package dev.vkubelet.provider.cloudkit;

import dev.vkubelet.provider.InvalidInputException;
import dev.vkubelet.tracing.Granularity;
import io.kubernetes.client.custom.Quantity;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * One object of a configuration file, read field by field; every error names the file and the
 * field's path ({@code emulator.faults.throttle}).
 */
public final class ConfigFields {

    private final String file;
    private final String path;
    private final Map<?, ?> values;

    /**
     * Reads a YAML or JSON file whose top level is an object; {@code what} names the file in
     * errors, e.g. {@code aws provider config}. An empty file is an empty object.
     */
    public static ConfigFields load(Path path, String what) {
        Object root;
        try (Reader reader = Files.newBufferedReader(path)) {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
        } catch (IOException e) {
            throw new InvalidInputException("cannot read " + what + " " + path + ": " + e.getMessage(), e);
        } catch (YAMLException e) {
            throw new InvalidInputException(what + " " + path + " is not valid JSON or YAML: "
                    + (e.getMessage() == null ? "parse error" : e.getMessage().strip().replaceAll("\\s+", " ")), e);
        }
        if (root == null) {
            root = Map.of();
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw new InvalidInputException(what + " " + path + " must be an object");
        }
        return new ConfigFields(what + " " + path, "", map);
    }

    public ConfigFields(String file, String path, Map<?, ?> values) {
        this.file = file;
        this.path = path;
        this.values = values;
    }

    public InvalidInputException error(String field, String problem) {
        return new InvalidInputException(file + ": field '" + path + field + "' " + problem);
    }

    /** Fails on a field not in {@code known}. */
    public void onlyKnown(Set<String> known) {
        for (Object key : values.keySet()) {
            if (!known.contains(String.valueOf(key))) {
                throw error(String.valueOf(key), "is not a known field (known: " + String.join(", ",
                        new TreeSet<>(known)) + ")");
            }
        }
    }

    public boolean has(String field) {
        return values.get(field) != null;
    }

    public String string(String field, String fallback) {
        Object v = values.get(field);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Map || v instanceof List) {
            throw error(field, "must be a string");
        }
        return String.valueOf(v);
    }

    public List<String> strings(String field) {
        Object v = values.get(field);
        List<String> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (!(v instanceof List<?> list)) {
            throw error(field, "must be a list of strings");
        }
        for (Object item : list) {
            if (item == null || item instanceof Map || item instanceof List) {
                throw error(field, "must be a list of strings");
            }
            out.add(String.valueOf(item));
        }
        return out;
    }

    public boolean bool(String field, boolean fallback) {
        Object v = values.get(field);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw error(field, "must be true or false, not '" + v + "'");
    }

    public double number(String field, double fallback, double min, double max) {
        Object v = values.get(field);
        if (v == null) {
            return fallback;
        }
        double d;
        try {
            d = v instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(v));
        } catch (NumberFormatException e) {
            throw error(field, "must be a number, not '" + v + "'");
        }
        if (!(d >= min && d <= max)) {
            throw error(field, "must be between " + min + " and " + max + ", not " + v);
        }
        return d;
    }

    public Duration duration(String field, Duration fallback) {
        Object v = values.get(field);
        if (v == null) {
            return fallback;
        }
        try {
            return Durations.parse(String.valueOf(v));
        } catch (IllegalArgumentException e) {
            throw error(field, "is not a duration like 2s, 1500ms or 1m30s: '" + v + "'");
        }
    }

    public ConfigFields object(String field) {
        Object v = values.get(field);
        if (v == null) {
            return new ConfigFields(file, path + field + ".", Map.of());
        }
        if (!(v instanceof Map<?, ?> map)) {
            throw error(field, "must be an object");
        }
        return new ConfigFields(file, path + field + ".", map);
    }

    public Set<String> keys() {
        Set<String> keys = new TreeSet<>();
        values.keySet().forEach(k -> keys.add(String.valueOf(k)));
        return keys;
    }

    /** A latency field: {@code 2s} (fixed) or {@code 1s-5s} (uniform between); {@code fallback} when absent. */
    public Latency latency(String field, Latency fallback) {
        String text = string(field, null);
        if (text == null) {
            return fallback;
        }
        String[] parts = text.split("-", 2);
        try {
            Duration min = Durations.parse(parts[0]);
            Duration max = parts.length == 2 ? Durations.parse(parts[1]) : min;
            return new Latency(min, max);
        } catch (IllegalArgumentException e) {
            throw error(field, "must be a duration (2s) or a range (1s-5s): " + e.getMessage());
        }
    }

    /**
     * An object of Kubernetes quantities: {@code defaults} (resource name to quantity) with the
     * fields present overriding them; a field is named as in {@code fieldToResource}'s keys and
     * lands on its value's resource ({@code storage} to {@code ephemeral-storage}).
     */
    public Map<String, Quantity> quantities(String field, Map<String, String> defaults,
            Map<String, String> fieldToResource) {
        ConfigFields f = object(field);
        f.onlyKnown(fieldToResource.keySet());
        Map<String, Quantity> out = new LinkedHashMap<>();
        defaults.forEach((k, v) -> out.put(k, new Quantity(v)));
        for (Map.Entry<String, String> e : fieldToResource.entrySet()) {
            if (f.has(e.getKey())) {
                String text = f.string(e.getKey(), null);
                try {
                    out.put(e.getValue(), new Quantity(text));
                } catch (RuntimeException ex) {
                    throw f.error(e.getKey(), "is not a Kubernetes quantity: '" + text + "'");
                }
            }
        }
        return out;
    }

    /** A trace granularity ({@code coarse}, {@code normal}, {@code fine}), empty when absent. */
    public Optional<Granularity> granularity(String field) {
        if (!has(field)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Granularity.parse(string(field, null)));
        } catch (IllegalArgumentException e) {
            throw error(field, e.getMessage());
        }
    }

    /**
     * One of {@code words}, or an http(s) URL ({@code fallback} when absent); {@code hint} ends the
     * error message, e.g. {@code "'embedded' or an http(s) URL"}.
     */
    public String wordOrUrl(String field, String fallback, Set<String> words, String hint) {
        String text = string(field, fallback);
        if (words.contains(text)) {
            return text;
        }
        try {
            URI uri = URI.create(text);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return text;
            }
        } catch (IllegalArgumentException e) {
            // refused below
        }
        throw error(field, "must be " + hint + ", not '" + text + "'");
    }

    /** An unmodifiable map keeping the order of {@code keysAndValues} (key, value, key, value...). */
    public static Map<String, String> orderedMap(String... keysAndValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(map);
    }
}
