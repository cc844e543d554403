package dev.vkubelet.provider;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Options of a container log request, as the kubelet API takes them.
 *
 * @param tailLines only the last lines
 * @param limitBytes at most this many bytes
 * @param timestamps prefix every line with its RFC 3339 timestamp
 * @param follow keep the stream open and send new lines as they come
 * @param previous the logs of the previous instance of the container
 * @param sinceSeconds only lines newer than this many seconds
 * @param sinceTime only lines newer than this instant
 */
public record LogOptions(
        OptionalInt tailLines,
        OptionalLong limitBytes,
        boolean timestamps,
        boolean follow,
        boolean previous,
        OptionalLong sinceSeconds,
        Optional<Instant> sinceTime) {

    /** No options: the whole log, no timestamps, not followed. */
    public static LogOptions defaults() {
        return new LogOptions(OptionalInt.empty(), OptionalLong.empty(), false, false, false,
                OptionalLong.empty(), Optional.empty());
    }
}
