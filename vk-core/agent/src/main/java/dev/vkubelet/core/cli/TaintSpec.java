package dev.vkubelet.core.cli;

import io.kubernetes.client.openapi.models.V1Taint;
import java.util.Set;
import java.util.regex.Pattern;

/** Taints as {@code --taint} and {@code --nodes-config} write them: {@code key[=value][:effect]}, checked. */
final class TaintSpec {

    private static final Pattern QUALIFIED_NAME = Pattern.compile(
            "([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");
    private static final Set<String> EFFECTS = Set.of("NoSchedule", "PreferNoSchedule", "NoExecute");

    private TaintSpec() {}

    /**
     * {@code spec} with the parts it leaves out taken from {@code defaults}.
     *
     * @param source what to name in an error ({@code --taint}, a file and entry)
     * @throws UsageException when a part is not valid
     */
    static V1Taint parse(String source, String spec, V1Taint defaults) {
        String key = spec;
        String value = defaults.getValue();
        String effect = defaults.getEffect();
        int colon = key.lastIndexOf(':');
        if (colon >= 0) {
            effect = key.substring(colon + 1);
            key = key.substring(0, colon);
        }
        int eq = key.indexOf('=');
        if (eq >= 0) {
            value = key.substring(eq + 1);
            key = key.substring(0, eq);
        }
        return checked(source, key, value, effect);
    }

    /** A taint of these parts, each checked as the API server would. */
    static V1Taint checked(String source, String key, String value, String effect) {
        if (key.isEmpty() || key.length() > 316 || !QUALIFIED_NAME.matcher(key).matches()) {
            throw new UsageException(source + ": taint key '" + key + "' is not a valid qualified name");
        }
        if (value.length() > 63 || !value.matches("([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?")) {
            throw new UsageException(source + ": taint value '" + value + "' is not a valid label value");
        }
        if (!EFFECTS.contains(effect)) {
            throw new UsageException(source + ": taint effect '" + effect
                    + "' is not supported: use NoSchedule, PreferNoSchedule or NoExecute");
        }
        return new V1Taint().key(key).value(value).effect(effect);
    }

    /** Whether {@code name} is a qualified name (label keys, taint keys). */
    static boolean qualifiedName(String name) {
        return !name.isEmpty() && name.length() <= 316 && QUALIFIED_NAME.matcher(name).matches();
    }
}
