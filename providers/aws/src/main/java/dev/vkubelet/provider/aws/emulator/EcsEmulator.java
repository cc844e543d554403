package dev.vkubelet.provider.aws.emulator;

import dev.vkubelet.provider.cloudkit.DaemonThreads;
import dev.vkubelet.provider.cloudkit.LoopbackServer;
import dev.vkubelet.provider.cloudkit.TokenBucket;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ECS ({@code AmazonEC2ContainerServiceV20141113}) and CloudWatch Logs ({@code Logs_20140328})
 * JSON 1.1 protocols on one loopback port: {@code POST /} with the operation in
 * {@code X-Amz-Target}. Signatures are accepted without checking. {@code GET /emulator/state}
 * shows the tasks and counters.
 */
public final class EcsEmulator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EcsEmulator.class);
    private static final String ECS_PREFIX = "AmazonEC2ContainerServiceV20141113.";
    private static final String LOGS_PREFIX = "Logs_20140328.";
    private static final String CONTENT_TYPE = "application/x-amz-json-1.1";

    private final EmulatorSettings settings;
    private final LoopbackServer server;
    private final ScheduledExecutorService timers;
    private final EmulatedEcs ecs;
    private final EmulatedLogs logs;
    private final Map<String, TokenBucket> buckets = new HashMap<>();
    private final AtomicLong throttled = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final dev.vkubelet.provider.cloudkit.TraceHeaderLog traceHeaders = new dev.vkubelet.provider.cloudkit.TraceHeaderLog();
    /** Draws the injected faults: seeded when the settings say so (java.util.Random is thread-safe). */
    private final java.util.Random faults;

    private EcsEmulator(EmulatorSettings settings) throws IOException {
        this.settings = settings;
        this.faults = settings.faultSeed().isPresent() ? new java.util.Random(settings.faultSeed().getAsLong())
                : new java.util.Random();
        settings.rateLimits().forEach((group, limit) ->
                buckets.put(group, new TokenBucket(limit.rate(), limit.burst())));
        this.timers = Executors.newSingleThreadScheduledExecutor(
                DaemonThreads.factory("ecs-emulator-timer", EcsEmulator.class));
        this.logs = new EmulatedLogs(settings.region());
        this.ecs = new EmulatedEcs(settings, timers, logs);
        this.server = new LoopbackServer(settings.port(), "ecs-emulator-http", EcsEmulator.class, this::handle);
    }

    /** Starts an emulator on loopback. */
    public static EcsEmulator start(EmulatorSettings settings) throws IOException {
        EcsEmulator emulator = new EcsEmulator(settings);
        LOG.info("ECS emulator listening on {} (time scale {})", emulator.endpoint(), settings.timeScale());
        return emulator;
    }

    /** Where SDK clients send requests: {@code http://127.0.0.1:<port>}. */
    public URI endpoint() {
        return server.endpoint();
    }

    /** How many requests were throttled, by rate or by injection. */
    public long throttledRequests() {
        return throttled.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if ("GET".equals(exchange.getRequestMethod())
                    && "/emulator/state".equals(exchange.getRequestURI().getPath())) {
                JsonObject state = ecs.state();
                state.addProperty("requests", requests.get());
                state.addProperty("throttledRequests", throttled.get());
                state.add("traceHeaders", new com.google.gson.Gson().toJsonTree(traceHeaders.entries()));
                send(exchange, 200, "application/json", state);
                return;
            }
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            if (!"POST".equals(exchange.getRequestMethod()) || target == null) {
                error(exchange, new ApiError(400, "UnknownOperationException",
                        "expected POST / with an X-Amz-Target header"));
                return;
            }
            requests.incrementAndGet();
            traceHeaders.record(target.substring(target.indexOf('.') + 1), exchange.getRequestHeaders()::getFirst);
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            try {
                JsonObject request = parse(body);
                send(exchange, 200, CONTENT_TYPE, dispatch(target, request));
            } catch (ApiError e) {
                error(exchange, e);
            } catch (RuntimeException e) {
                LOG.warn("emulator failed on {}: {}", target, e.toString(), e);
                error(exchange, new ApiError(500, "ServerException", "emulator failure: " + e));
            }
        }
    }

    private static JsonObject parse(String body) {
        if (body.isBlank()) {
            return new JsonObject();
        }
        try {
            JsonElement e = JsonParser.parseString(body);
            if (!e.isJsonObject()) {
                throw new ApiError(400, "SerializationException", "the request body must be a JSON object");
            }
            return e.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new ApiError(400, "SerializationException", "the request body is not JSON: " + e.getMessage());
        }
    }

    private JsonObject dispatch(String target, JsonObject request) {
        String operation;
        String group;
        if (target.startsWith(ECS_PREFIX)) {
            operation = target.substring(ECS_PREFIX.length());
            group = switch (operation) {
                case "RunTask", "StopTask" -> "run";
                case "RegisterTaskDefinition", "DeregisterTaskDefinition", "CreateCluster" -> "register";
                default -> "describe";
            };
        } else if (target.startsWith(LOGS_PREFIX)) {
            operation = target.substring(LOGS_PREFIX.length());
            group = "logs";
        } else {
            throw new ApiError(400, "UnknownOperationException", "unknown X-Amz-Target " + target);
        }
        admit(group);
        boolean failRun = settings.runTaskFailureRate() > 0
                && faults.nextDouble() < settings.runTaskFailureRate();
        return switch (target.startsWith(ECS_PREFIX) ? "ecs." + operation : "logs." + operation) {
            case "ecs.CreateCluster" -> ecs.createCluster(request);
            case "ecs.DescribeClusters" -> ecs.describeClusters(request);
            case "ecs.RegisterTaskDefinition" -> ecs.registerTaskDefinition(request);
            case "ecs.DescribeTaskDefinition" -> ecs.describeTaskDefinition(request);
            case "ecs.DeregisterTaskDefinition" -> ecs.deregisterTaskDefinition(request);
            case "ecs.RunTask" -> ecs.runTask(request, failRun);
            case "ecs.DescribeTasks" -> ecs.describeTasks(request);
            case "ecs.StopTask" -> ecs.stopTask(request);
            case "ecs.ListTasks" -> ecs.listTasks(request);
            case "logs.GetLogEvents" -> logs.getLogEvents(request);
            case "logs.DescribeLogStreams" -> logs.describeLogStreams(request);
            default -> throw new ApiError(400, "UnknownOperationException", "the emulator does not implement "
                    + operation);
        };
    }

    /** Applies the group's rate limit and the injected faults. */
    private void admit(String group) {
        TokenBucket bucket = buckets.get(group);
        if ((bucket != null && !bucket.tryTake())
                || (settings.throttleRate() > 0 && faults.nextDouble() < settings.throttleRate())) {
            throttled.incrementAndGet();
            throw new ApiError(400, "ThrottlingException", "Rate exceeded");
        }
        if (settings.serverErrorRate() > 0 && faults.nextDouble() < settings.serverErrorRate()) {
            throw new ApiError(500, "ServerException", "injected server error");
        }
    }

    private static void error(HttpExchange exchange, ApiError e) throws IOException {
        JsonObject body = new JsonObject();
        body.addProperty("__type", e.type);
        body.addProperty("message", e.getMessage());
        exchange.getResponseHeaders().set("x-amzn-ErrorType", e.type);
        send(exchange, e.status, CONTENT_TYPE, body);
    }

    private static void send(HttpExchange exchange, int status, String type, JsonObject body) throws IOException {
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.close();
        timers.shutdownNow();
    }
}
