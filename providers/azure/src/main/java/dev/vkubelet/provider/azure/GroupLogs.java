package dev.vkubelet.provider.azure;

import dev.vkubelet.provider.LogOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
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
final class GroupLogs extends InputStream {

    private final Supplier<String> fetch;
    private final LogOptions options;
    private final Duration interval;
    private final BooleanSupplier finished;
    private final Instant since;
    private byte[] buffer = new byte[0];
    private int position;
    private long remaining;
    private int sent = -1;
    private boolean ended;
    private volatile boolean closed;

    GroupLogs(Supplier<String> fetch, LogOptions options, Instant now, Duration interval, BooleanSupplier finished) {
        this.fetch = fetch;
        this.options = options;
        this.interval = interval;
        this.finished = finished;
        this.remaining = options.limitBytes().isPresent() ? options.limitBytes().getAsLong() : Long.MAX_VALUE;
        this.since = options.sinceTime().orElse(options.sinceSeconds().isPresent()
                ? now.minusSeconds(options.sinceSeconds().getAsLong()) : null);
        // the first fetch happens on the first read; a missing container fails the request at once
        fill(fetch.get());
    }

    private static Instant stamp(String line) {
        int space = line.indexOf(' ');
        try {
            return space < 0 ? null : Instant.parse(line.substring(0, space));
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** Turns a fetched log into the bytes not sent yet; false when there are none. */
    private boolean fill(String content) {
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
        buffer = text.toString().getBytes(StandardCharsets.UTF_8);
        position = 0;
        return buffer.length > 0;
    }

    private boolean next() throws IOException {
        if (!options.follow()) {
            return false;
        }
        while (!closed && !ended) {
            boolean wasFinished = finished.getAsBoolean();
            if (fill(fetch.get())) {
                return true;
            }
            if (wasFinished) {
                ended = true;
                return false;
            }
            try {
                Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("log follow interrupted");
            }
        }
        return false;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (remaining <= 0 || closed) {
            return -1;
        }
        if (position >= buffer.length && !next()) {
            return -1;
        }
        int n = (int) Math.min(Math.min(len, buffer.length - position), remaining);
        System.arraycopy(buffer, position, b, off, n);
        position += n;
        remaining -= n;
        return n;
    }

    @Override
    public void close() {
        closed = true;
    }
}
