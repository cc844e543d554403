package dev.vkubelet.provider.aws;

import dev.vkubelet.provider.LogOptions;
import dev.vkubelet.provider.cloudkit.LogStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
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
final class TaskLogs extends LogStream {

    private static final DateTimeFormatter RFC3339_NANO =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);

    private final CloudWatchLogsClient client;
    private final String group;
    private final String stream;
    private final LogOptions options;
    private final Duration followInterval;
    private final BooleanSupplier stopped;
    private final Long startMillis;
    private String forwardToken;
    private boolean first = true;
    private boolean ended;

    TaskLogs(CloudWatchLogsClient client, String group, String stream, LogOptions options, Instant now,
            Duration followInterval, BooleanSupplier stopped) {
        super(options.limitBytes());
        this.client = client;
        this.group = group;
        this.stream = stream;
        this.options = options;
        this.followInterval = followInterval;
        this.stopped = stopped;
        this.startMillis = options.sinceTime().map(Instant::toEpochMilli)
                .orElse(options.sinceSeconds().isPresent()
                        ? now.minusSeconds(options.sinceSeconds().getAsLong()).toEpochMilli() : null);
    }


    /** The next page's lines; null when the stream has ended. */
    @Override
    protected byte[] fetch() throws IOException {
        while (!closed() && !ended) {
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
                    return out.toByteArray();
                }
                if (more && !options.follow()) {
                    continue;
                }
            }
            if (!options.follow() || wasStopped) {
                ended = true;
                return null;
            }
            pause(followInterval);
        }
        return null;
    }
}
