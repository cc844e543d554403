package dev.vkubelet.provider;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Go-style durations in provider configuration files: {@code 1500ms}, {@code 2s}, {@code 1m30s}, {@code 0.5h}. */
public final class Durations {

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

    private Durations() {}

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException naming the text when it is not such a duration
     */
    public static Duration parse(String text) {
        String trimmed = text == null ? "" : text.trim();
        Matcher m = PART.matcher(trimmed);
        long nanos = 0;
        int end = 0;
        while (m.find() && m.start() == end) {
            double amount = Double.parseDouble(m.group(1));
            long unit = switch (m.group(2)) {
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            };
            nanos += (long) (amount * unit);
            end = m.end();
        }
        if ("0".equals(trimmed)) {
            return Duration.ZERO;
        }
        if (end == 0 || end != trimmed.length()) {
            throw new IllegalArgumentException("not a duration like 2s, 1500ms or 1m30s: '" + text + "'");
        }
        return Duration.ofNanos(nanos);
    }
}
