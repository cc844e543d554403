package dev.vkubelet.provider.aws;

import dev.vkubelet.provider.LogOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import java.util.function.BooleanSupplier;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.GetLogEventsRequest;
import software.amazon.awssdk.services.cloudwatchlogs.model.GetLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;

/**
 * A container's CloudWatch log stream as the kubelet serves logs: {@code tailLines} reads the last
 * events, {@code sinceSeconds}/{@code sinceTime} start there, otherwise the whole stream from its
 * head; {@code timestamps} prefixes each line; {@code limitBytes} cuts the output; {@code follow}
 * keeps polling with the forward token until the reader closes or the task has stopped and
 * nothing more comes.
 */
final class TaskLogs extends InputStream {

    private static final DateTimeFormatter RFC3339_NANO =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);

    private final CloudWatchLogsClient client;
    private final String group;
    private final String stream;
    private final LogOptions options;
    private final Duration followInterval;
    private final BooleanSupplier stopped;
    private final Long startMillis;
    private byte[] buffer = new byte[0];
    private int position;
    private long remaining;
    private String forwardToken;
    private boolean first = true;
    private boolean ended;
    private volatile boolean closed;

    TaskLogs(CloudWatchLogsClient client, String group, String stream, LogOptions options, Instant now,
            Duration followInterval, BooleanSupplier stopped) {
        this.client = client;
        this.group = group;
        this.stream = stream;
        this.options = options;
        this.followInterval = followInterval;
        this.stopped = stopped;
        this.remaining = options.limitBytes().isPresent() ? options.limitBytes().getAsLong() : Long.MAX_VALUE;
        this.startMillis = options.sinceTime().map(Instant::toEpochMilli)
                .orElse(options.sinceSeconds().isPresent()
                        ? now.minusSeconds(options.sinceSeconds().getAsLong()).toEpochMilli() : null);
    }


    /** Fetches the next page; false when the stream has ended. */
    private boolean fill() throws IOException {
        while (!closed && !ended) {
            GetLogEventsRequest.Builder request = GetLogEventsRequest.builder().logGroupName(group)
                    .logStreamName(stream);
            if (forwardToken != null) {
                request.nextToken(forwardToken);
            } else if (options.tailLines().isPresent()) {
                request.startFromHead(false).limit(Math.max(1, Math.min(10_000, options.tailLines().getAsInt())));
            } else {
                request.startFromHead(true);
            }
            if (startMillis != null) {
                request.startTime(startMillis);
            }
            boolean tailEmpty = first && options.tailLines().isPresent() && options.tailLines().getAsInt() == 0;
            boolean wasStopped = stopped.getAsBoolean();
            GetLogEventsResponse page;
            try {
                page = client.getLogEvents(request.build());
            } catch (ResourceNotFoundException e) {
                page = null; // the container has not written yet
            }
            first = false;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (page != null) {
                if (!tailEmpty) {
                    for (OutputLogEvent event : page.events()) {
                        if (options.timestamps()) {
                            out.writeBytes((RFC3339_NANO.format(Instant.ofEpochMilli(event.timestamp())) + " ")
                                    .getBytes(StandardCharsets.UTF_8));
                        }
                        String message = event.message();
                        out.writeBytes((message.endsWith("\n") ? message : message + "\n")
                                .getBytes(StandardCharsets.UTF_8));
                    }
                }
                boolean more = !page.nextForwardToken().equals(forwardToken);
                forwardToken = page.nextForwardToken();
                if (out.size() > 0) {
                    buffer = out.toByteArray();
                    position = 0;
                    return true;
                }
                if (more && !options.follow()) {
                    continue;
                }
            }
            if (!options.follow() || wasStopped) {
                ended = true;
                return false;
            }
            try {
                Thread.sleep(followInterval.toMillis());
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
        if (position >= buffer.length && !fill()) {
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
