package dev.vkubelet.provider.azure;

import dev.vkubelet.provider.LogOptions;
import dev.vkubelet.provider.cloudkit.LogStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A container's ACI log as the kubelet serves logs. ACI returns the whole log (asked with
 * timestamps, which it puts before each line), so {@code sinceSeconds}/{@code sinceTime} filter
 * by those timestamps, {@code tailLines} keeps the last lines, {@code timestamps} decides whether
 * they are shown, {@code limitBytes} cuts, and {@code follow} fetches again every interval and sends
 * the lines not sent yet, until the reader closes or the container has finished.
 */
final class GroupLogs extends LogStream {

    private final Supplier<String> source;
    private final LogOptions options;
    private final Duration interval;
    private final BooleanSupplier finished;
    private final Instant since;
    private int sent = -1;
    private boolean ended;
    private byte[] pending;

    GroupLogs(Supplier<String> fetch, LogOptions options, Instant now, Duration interval, BooleanSupplier finished) {
        super(options.limitBytes());
        this.source = fetch;
        this.options = options;
        this.interval = interval;
        this.finished = finished;
        this.since = options.sinceTime().orElse(options.sinceSeconds().isPresent()
                ? now.minusSeconds(options.sinceSeconds().getAsLong()) : null);
        // fetched now, so that a missing container fails the request at once
        this.pending = lines(source.get());
    }

    private static Instant stamp(String line) {
        int space = line.indexOf(' ');
        try {
            return space < 0 ? null : Instant.parse(line.substring(0, space));
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** The lines of a fetched log not sent yet, as bytes (empty when there are none). */
    private byte[] lines(String content) {
        List<String> lines = new ArrayList<>(content.lines().toList());
        List<String> out = new ArrayList<>();
        if (sent < 0) {
            List<String> first = new ArrayList<>();
            for (String line : lines) {
                Instant at = stamp(line);
                if (since == null || at == null || !at.isBefore(since)) {
                    first.add(line);
                }
            }
            if (options.tailLines().isPresent() && options.tailLines().getAsInt() < first.size()) {
                first = first.subList(first.size() - Math.max(0, options.tailLines().getAsInt()), first.size());
            }
            out.addAll(first);
        } else if (lines.size() > sent) {
            out.addAll(lines.subList(sent, lines.size()));
        }
        sent = lines.size();
        StringBuilder text = new StringBuilder();
        for (String line : out) {
            int space = line.indexOf(' ');
            text.append(options.timestamps() || space < 0 || stamp(line) == null ? line : line.substring(space + 1))
                    .append('\n');
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected byte[] fetch() throws IOException {
        if (pending != null) {
            byte[] first = pending;
            pending = null;
            if (first.length > 0 || !options.follow()) {
                return first.length > 0 ? first : null;
            }
        }
        if (!options.follow()) {
            return null;
        }
        while (!closed() && !ended) {
            boolean wasFinished = finished.getAsBoolean();
            byte[] more = lines(source.get());
            if (more.length > 0) {
                return more;
            }
            if (wasFinished) {
                ended = true;
                return null;
            }
            pause(interval);
        }
        return null;
    }
}
