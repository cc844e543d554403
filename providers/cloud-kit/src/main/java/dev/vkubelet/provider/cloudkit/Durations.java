package dev.vkubelet.provider.cloudkit;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations written as Go writes them, as upstream's flags and provider configuration files take
 * them: {@code 1m}, {@code 30s}, {@code 1h30m}, {@code 500ms}, {@code 1.5s}, {@code 0}.
 */
public final class Durations {

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h)");

    private Durations() {}

    /** Parses {@code text}; throws {@link IllegalArgumentException} naming the text when it is not a duration. */
    public static Duration parse(String text) {
        String s = text == null ? "" : text.trim();
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        boolean negative = s.startsWith("-");
        if (negative || s.startsWith("+")) {
            s = s.substring(1);
        }
        Matcher m = PART.matcher(s);
        double nanos = 0;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                break;
            }
            double amount = Double.parseDouble(m.group(1));
            nanos += amount * switch (m.group(2)) {
                case "ns" -> 1d;
                case "us", "µs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                default -> 3600e9;
            };
            end = m.end();
        }
        if (s.isEmpty() || end != s.length()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (examples: 30s, 1m, 1h30m, 500ms)");
        }
        Duration d = Duration.ofNanos(Math.round(nanos));
        return negative ? d.negated() : d;
    }

    /** Prints like Go: {@code 1m0s}, {@code 30s}, {@code 500ms}, {@code 0s}. */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        if (d.compareTo(Duration.ofSeconds(1)) < 0 && d.toNanos() % 1_000_000 == 0) {
            return d.toMillis() + "ms";
        }
        StringBuilder out = new StringBuilder();
        long seconds = d.getSeconds();
        if (seconds >= 3600) {
            out.append(seconds / 3600).append('h');
        }
        if (seconds >= 60) {
            out.append((seconds % 3600) / 60).append('m');
        }
        out.append(seconds % 60);
        int nanos = d.getNano();
        if (nanos != 0) {
            out.append('.').append(String.format("%09d", nanos).replaceAll("0+$", ""));
        }
        return out.append('s').toString();
    }
}
