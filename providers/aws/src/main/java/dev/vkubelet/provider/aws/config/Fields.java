package dev.vkubelet.provider.aws.config;

import dev.vkubelet.provider.Durations;
import dev.vkubelet.provider.InvalidInputException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One object of a configuration file, read field by field; every error names the file and the
 * field's path ({@code emulator.faults.throttle}).
 */
final class Fields {

    private final String file;
    private final String path;
    private final Map<?, ?> values;

    Fields(String file, String path, Map<?, ?> values) {
        this.file = file;
        this.path = path;
        this.values = values;
    }

    InvalidInputException error(String field, String problem) {
        return new InvalidInputException(file + ": field '" + path + field + "' " + problem);
    }

    /** Fails on a field not in {@code known}. */
    void onlyKnown(Set<String> known) {
        for (Object key : values.keySet()) {
            if (!known.contains(String.valueOf(key))) {
                throw error(String.valueOf(key), "is not a known field (known: " + String.join(", ",
                        new TreeSet<>(known)) + ")");
            }
        }
    }

    boolean has(String field) {
        return values.get(field) != null;
    }

    String string(String field, String fallback) {
        Object v = values.get(field);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Map || v instanceof List) {
            throw error(field, "must be a string");
        }
        return String.valueOf(v);
    }

    List<String> strings(String field) {
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

    boolean bool(String field, boolean fallback) {
        Object v = values.get(field);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw error(field, "must be true or false, not '" + v + "'");
    }

    double number(String field, double fallback, double min, double max) {
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

    Duration duration(String field, Duration fallback) {
        Object v = values.get(field);
        if (v == null) {
            return fallback;
        }
        try {
            return Durations.parse(String.valueOf(v));
        } catch (IllegalArgumentException e) {
            throw error(field, "is " + e.getMessage());
        }
    }

    Fields object(String field) {
        Object v = values.get(field);
        if (v == null) {
            return new Fields(file, path + field + ".", Map.of());
        }
        if (!(v instanceof Map<?, ?> map)) {
            throw error(field, "must be an object");
        }
        return new Fields(file, path + field + ".", map);
    }

    Set<String> keys() {
        Set<String> keys = new TreeSet<>();
        values.keySet().forEach(k -> keys.add(String.valueOf(k)));
        return keys;
    }
}
