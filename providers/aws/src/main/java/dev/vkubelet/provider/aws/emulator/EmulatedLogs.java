package dev.vkubelet.provider.aws.emulator;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** CloudWatch Logs: log groups of streams of events, written by emulated containers. */
final class EmulatedLogs {

    private record Event(long timestamp, String message, long ingestionTime) {}

    private static final class Stream {
        final long created;
        final List<Event> events = new ArrayList<>();

        Stream(long created) {
            this.created = created;
        }
    }

    private final String region;
    private final Map<String, Map<String, Stream>> groups = new LinkedHashMap<>();

    EmulatedLogs(String region) {
        this.region = region;
    }

    /** Appends a line to {@code group/stream}, creating both as the awslogs driver would. */
    synchronized void append(String group, String stream, long timestampMillis, String message) {
        groups.computeIfAbsent(group, g -> new LinkedHashMap<>())
                .computeIfAbsent(stream, s -> new Stream(timestampMillis))
                .events.add(new Event(timestampMillis, message, System.currentTimeMillis()));
    }

    synchronized JsonObject getLogEvents(JsonObject request) {
        String groupName = Json.requiredString(request, "logGroupName");
        String streamName = Json.requiredString(request, "logStreamName");
        Map<String, Stream> group = groups.get(groupName);
        if (group == null) {
            throw new ApiError(400, "ResourceNotFoundException", "The specified log group does not exist.");
        }
        Stream stream = group.get(streamName);
        if (stream == null) {
            throw new ApiError(400, "ResourceNotFoundException", "The specified log stream does not exist.");
        }
        long startTime = Json.optionalLong(request, "startTime", Long.MIN_VALUE);
        long endTime = Json.optionalLong(request, "endTime", Long.MAX_VALUE);
        int limit = (int) Json.optionalLong(request, "limit", 10_000);
        if (limit < 1 || limit > 10_000) {
            throw new ApiError(400, "InvalidParameterException", "limit must be between 1 and 10000");
        }
        String token = Json.optionalString(request, "nextToken", null);
        boolean fromHead = request.has("startFromHead") && request.get("startFromHead").getAsBoolean();
        List<Integer> matching = new ArrayList<>();
        for (int i = 0; i < stream.events.size(); i++) {
            long ts = stream.events.get(i).timestamp();
            if (ts >= startTime && ts < endTime) {
                matching.add(i);
            }
        }
        int from;
        int to;
        if (token != null) {
            int position = parseToken(token);
            if (token.startsWith("f/")) {
                from = firstAtOrAfter(matching, position);
                to = Math.min(matching.size(), from + limit);
            } else {
                to = firstAtOrAfter(matching, position);
                from = Math.max(0, to - limit);
            }
        } else if (fromHead) {
            from = 0;
            to = Math.min(matching.size(), limit);
        } else {
            to = matching.size();
            from = Math.max(0, to - limit);
        }
        JsonArray events = new JsonArray();
        for (int i = from; i < to; i++) {
            Event e = stream.events.get(matching.get(i));
            JsonObject event = new JsonObject();
            event.addProperty("timestamp", e.timestamp());
            event.addProperty("message", e.message());
            event.addProperty("ingestionTime", e.ingestionTime());
            events.add(event);
        }
        int forward = to < matching.size() ? matching.get(to) : stream.events.size();
        int backward = from < matching.size() ? matching.get(from) : stream.events.size();
        JsonObject response = new JsonObject();
        response.add("events", events);
        response.addProperty("nextForwardToken", "f/" + forward);
        response.addProperty("nextBackwardToken", "b/" + backward);
        return response;
    }

    private static int firstAtOrAfter(List<Integer> matching, int position) {
        int i = 0;
        while (i < matching.size() && matching.get(i) < position) {
            i++;
        }
        return i;
    }

    private static int parseToken(String token) {
        if ((token.startsWith("f/") || token.startsWith("b/")) && token.length() > 2) {
            try {
                return Integer.parseInt(token.substring(2));
            } catch (NumberFormatException e) {
                // fall through
            }
        }
        throw new ApiError(400, "InvalidParameterException", "The specified nextToken is invalid.");
    }

    synchronized JsonObject describeLogStreams(JsonObject request) {
        String groupName = Json.requiredString(request, "logGroupName");
        String prefix = Json.optionalString(request, "logStreamNamePrefix", "");
        Map<String, Stream> group = groups.get(groupName);
        if (group == null) {
            throw new ApiError(400, "ResourceNotFoundException", "The specified log group does not exist.");
        }
        JsonArray streams = new JsonArray();
        group.forEach((name, stream) -> {
            if (!name.startsWith(prefix)) {
                return;
            }
            JsonObject s = new JsonObject();
            s.addProperty("logStreamName", name);
            s.addProperty("creationTime", stream.created);
            if (!stream.events.isEmpty()) {
                s.addProperty("firstEventTimestamp", stream.events.get(0).timestamp());
                s.addProperty("lastEventTimestamp", stream.events.get(stream.events.size() - 1).timestamp());
            }
            s.addProperty("arn", "arn:aws:logs:" + region + ":" + EmulatedEcs.ACCOUNT + ":log-group:" + groupName
                    + ":log-stream:" + name);
            streams.add(s);
        });
        JsonObject response = new JsonObject();
        response.add("logStreams", streams);
        return response;
    }
}
