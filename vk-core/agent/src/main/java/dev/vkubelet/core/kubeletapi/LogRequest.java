package dev.vkubelet.core.kubeletapi;

import dev.vkubelet.provider.LogOptions;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** The query of a {@code /containerLogs} request, validated as the kubelet does. */
final class LogRequest {

    private LogRequest() {}

    /** The options, or an {@link IllegalArgumentException} whose message is the 400's body. */
    static LogOptions parse(Map<String, List<String>> query) {
        OptionalInt tail = OptionalInt.empty();
        String tailText = first(query, "tailLines");
        if (tailText != null) {
            int t = integer("tailLines", tailText);
            if (t < 0) {
                throw new IllegalArgumentException("tailLines must be zero or more, got " + t);
            }
            tail = OptionalInt.of(t);
        }
        OptionalLong limit = OptionalLong.empty();
        String limitText = first(query, "limitBytes");
        if (limitText != null) {
            long l = integer("limitBytes", limitText);
            if (l < 1) {
                throw new IllegalArgumentException("limitBytes must be greater than zero, got " + l);
            }
            limit = OptionalLong.of(l);
        }
        OptionalLong sinceSeconds = OptionalLong.empty();
        String sinceText = first(query, "sinceSeconds");
        if (sinceText != null) {
            long s = integer("sinceSeconds", sinceText);
            if (s < 1) {
                throw new IllegalArgumentException("sinceSeconds must be greater than zero, got " + s);
            }
            sinceSeconds = OptionalLong.of(s);
        }
        Optional<Instant> sinceTime = Optional.empty();
        String sinceTimeText = first(query, "sinceTime");
        if (sinceTimeText != null) {
            try {
                sinceTime = Optional.of(Instant.parse(sinceTimeText));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("sinceTime '" + sinceTimeText + "' is not an RFC 3339 time");
            }
        }
        if (sinceSeconds.isPresent() && sinceTime.isPresent()) {
            throw new IllegalArgumentException("at most one of sinceTime or sinceSeconds may be specified");
        }
        return new LogOptions(tail, limit, bool(query, "timestamps"), bool(query, "follow"), bool(query, "previous"),
                sinceSeconds, sinceTime);
    }

    private static String first(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static boolean bool(Map<String, List<String>> query, String name) {
        String value = first(query, name);
        if (value == null || value.isEmpty()) {
            return false;
        }
        if (value.equals("true") || value.equals("1")) {
            return true;
        }
        if (value.equals("false") || value.equals("0")) {
            return false;
        }
        throw new IllegalArgumentException(name + " must be true or false, got '" + value + "'");
    }

    private static int integer(String name, String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer, got '" + text + "'");
        }
    }
}
