package dev.vkubelet.provider.azure.emulator;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import dev.vkubelet.provider.cloudkit.DaemonThreads;
import dev.vkubelet.provider.cloudkit.LoopbackServer;
import dev.vkubelet.provider.cloudkit.TokenBucket;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Azure Resource Manager's container group API on loopback: {@code PUT}, {@code GET},
 * {@code DELETE} and list of {@code Microsoft.ContainerInstance/containerGroups}, container logs
 * and exec, and the status endpoints of long-running operations ({@code Azure-AsyncOperation} for
 * create, {@code Location} for delete). Every request needs {@code api-version}; bearer tokens are
 * accepted unchecked. {@code GET /emulator/state} shows the groups and counters.
 */
public final class ArmEmulator implements AutoCloseable {

    /** The API version the SDK in this plugin speaks, and the only one the emulator answers. */
    public static final String API_VERSION = "2023-05-01";

    private static final Logger LOG = LoggerFactory.getLogger(ArmEmulator.class);
    private static final Pattern GROUPS = Pattern.compile(
            "(?i)^(/subscriptions/[^/]+(?:/resourceGroups/[^/]+)?/providers/Microsoft\\.ContainerInstance/containerGroups)"
                    + "(?:/([^/]+)(?:/containers/([^/]+)/(logs|exec))?)?$");
    private static final Pattern OPERATION = Pattern.compile(
            "(?i)^/subscriptions/[^/]+/providers/Microsoft\\.ContainerInstance/(operations|operationResults)/([^/]+)$");

    private final ArmSettings settings;
    private final LoopbackServer server;
    private final ScheduledExecutorService timers;
    private final ExecSockets sockets;
    private final EmulatedGroups groups;
    private final TokenBucket reads;
    private final TokenBucket writes;
    private final AtomicLong requests = new AtomicLong();
    private final dev.vkubelet.provider.cloudkit.TraceHeaderLog traceHeaders = new dev.vkubelet.provider.cloudkit.TraceHeaderLog();
    private final AtomicLong throttled = new AtomicLong();

    private ArmEmulator(ArmSettings settings) throws IOException {
        this.settings = settings;
        this.reads = new TokenBucket(settings.readsPerSecond(), Math.max(1, settings.readsPerSecond() * 5));
        this.writes = new TokenBucket(settings.writesPerSecond(), Math.max(1, settings.writesPerSecond() * 5));
        java.util.concurrent.ThreadFactory threads = DaemonThreads.factory("arm-emulator", ArmEmulator.class);
        this.timers = Executors.newSingleThreadScheduledExecutor(threads);
        this.sockets = new ExecSockets();
        this.groups = new EmulatedGroups(settings, timers, sockets);
        this.server = new LoopbackServer(settings.port(), "arm-emulator-http", ArmEmulator.class, this::handle);
    }

    /** Starts an emulator on loopback. */
    public static ArmEmulator start(ArmSettings settings) throws IOException {
        ArmEmulator emulator = new ArmEmulator(settings);
        LOG.info("ARM emulator listening on {} (time scale {})", emulator.endpoint(), settings.timeScale());
        return emulator;
    }

    /** The resource manager endpoint: {@code http://127.0.0.1:<port>}. */
    public URI endpoint() {
        return server.endpoint();
    }

    /** How many requests were answered 429. */
    public long throttledRequests() {
        return throttled.get();
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> q = new HashMap<>();
        String raw = uri.getRawQuery();
        if (raw != null) {
            for (String part : raw.split("&")) {
                int eq = part.indexOf('=');
                String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
                q.put(k, v);
            }
        }
        return q;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            URI uri = exchange.getRequestURI();
            String path = uri.getPath();
            if ("GET".equals(method) && "/emulator/state".equals(path)) {
                JsonObject state = groups.state();
                state.addProperty("requests", requests.get());
                state.addProperty("throttledRequests", throttled.get());
                state.add("traceHeaders", new com.google.gson.Gson().toJsonTree(traceHeaders.entries()));
                send(exchange, 200, state, Map.of());
                return;
            }
            requests.incrementAndGet();
            traceHeaders.record(method + " " + path, exchange.getRequestHeaders()::getFirst);
            try {
                Map<String, String> query = query(uri);
                if (!query.containsKey("api-version")) {
                    throw new ArmError(400, "MissingApiVersionParameter",
                            "The api-version query parameter (?api-version=) is required for all requests.");
                }
                if (!API_VERSION.equals(query.get("api-version"))) {
                    throw new ArmError(400, "NoRegisteredProviderFound", "No registered resource provider found for "
                            + "API version '" + query.get("api-version") + "'. The supported api-versions are '"
                            + API_VERSION + "'.");
                }
                admit("GET".equals(method) ? reads : writes);
                route(exchange, method, path, query);
            } catch (ArmError e) {
                error(exchange, e, Map.of());
            } catch (Throttled t) {
                error(exchange, new ArmError(429, "TooManyRequests", t.getMessage()), Map.of(
                        "Retry-After", Long.toString(Math.max(1, (t.retryAfterMillis + 999) / 1000)),
                        "x-ms-retry-after-ms", Long.toString(t.retryAfterMillis)));
            } catch (RuntimeException e) {
                LOG.warn("ARM emulator failed on {} {}: {}", method, path, e.toString(), e);
                error(exchange, new ArmError(500, "InternalServerError", "emulator failure: " + e), Map.of());
            }
        }
    }

    /** A 429 with its wait. */
    private static final class Throttled extends RuntimeException {
        final long retryAfterMillis;

        Throttled(String message, long retryAfterMillis) {
            super(message, null, false, false);
            this.retryAfterMillis = retryAfterMillis;
        }
    }

    private void admit(TokenBucket bucket) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long wait = Math.max(20, Math.round(200 * Math.max(settings.timeScale(), 0.1)));
        if (!bucket.tryTake()) {
            throttled.incrementAndGet();
            throw new Throttled("The request was throttled: the subscription's request budget is used up.", wait);
        }
        if (settings.throttleRate() > 0 && random.nextDouble() < settings.throttleRate()) {
            throttled.incrementAndGet();
            throw new Throttled("injected: too many requests", wait);
        }
        if (settings.serverErrorRate() > 0 && random.nextDouble() < settings.serverErrorRate()) {
            throw new ArmError(500, "InternalServerError", "injected server error");
        }
    }

    private void route(HttpExchange exchange, String method, String path, Map<String, String> query)
            throws IOException {
        Matcher op = OPERATION.matcher(path);
        if (op.matches() && "GET".equals(method)) {
            JsonObject status = groups.operation(op.group(2));
            if (status == null) {
                throw new ArmError(404, "OperationNotFound", "The operation '" + op.group(2) + "' was not found.");
            }
            boolean done = !"InProgress".equals(status.get("status").getAsString());
            if ("operationResults".equalsIgnoreCase(op.group(1))) {
                if (done) {
                    send(exchange, 204, null, Map.of());
                } else {
                    send(exchange, 202, null, retryAfter());
                }
                return;
            }
            send(exchange, 200, status, done ? Map.of() : retryAfter());
            return;
        }
        Matcher m = GROUPS.matcher(path);
        if (!m.matches()) {
            throw new ArmError(404, "InvalidResourceType", "The resource type could not be found: " + path);
        }
        String collection = m.group(1);
        String name = m.group(2);
        String container = m.group(3);
        String action = m.group(4);
        String subscription = path.split("/")[2];
        if (name == null) {
            if (!"GET".equals(method)) {
                throw new ArmError(405, "MethodNotAllowed", method + " is not supported on a collection.");
            }
            int skip = query.containsKey("$skipToken") ? Integer.parseInt(query.get("$skipToken")) : 0;
            String next = endpoint() + collection + "?api-version=" + API_VERSION;
            send(exchange, 200, groups.list(collection + "/", skip, next), Map.of());
            return;
        }
        if (!collection.toLowerCase().contains("/resourcegroups/")) {
            throw new ArmError(404, "InvalidResourceType", "A container group lives in a resource group: " + path);
        }
        String id = collection + "/" + name;
        if (action != null) {
            if ("logs".equals(action) && "GET".equals(method)) {
                Integer tail = query.containsKey("tail") ? Integer.valueOf(query.get("tail")) : null;
                send(exchange, 200, groups.logs(id, container, tail, "true".equals(query.get("timestamps"))),
                        Map.of());
            } else if ("exec".equals(action) && "POST".equals(method)) {
                send(exchange, 200, groups.exec(id, container, body(exchange)), Map.of());
            } else {
                throw new ArmError(405, "MethodNotAllowed", method + " is not supported on " + action);
            }
            return;
        }
        switch (method) {
            case "GET" -> send(exchange, 200, groups.get(id), Map.of());
            case "PUT" -> {
                EmulatedGroups.Put put = groups.put(id, name, body(exchange));
                Map<String, String> headers = new HashMap<>(retryAfter());
                headers.put("Azure-AsyncOperation", endpoint() + "/subscriptions/" + subscription
                        + "/providers/Microsoft.ContainerInstance/operations/" + put.operationId() + "?api-version="
                        + API_VERSION);
                send(exchange, put.created() ? 201 : 200, put.body(), headers);
            }
            case "DELETE" -> {
                String operation = groups.delete(id);
                if (operation == null) {
                    send(exchange, 204, null, Map.of());
                    return;
                }
                Map<String, String> headers = new HashMap<>(retryAfter());
                headers.put("Location", endpoint() + "/subscriptions/" + subscription
                        + "/providers/Microsoft.ContainerInstance/operationResults/" + operation + "?api-version="
                        + API_VERSION);
                send(exchange, 202, null, headers);
            }
            default -> throw new ArmError(405, "MethodNotAllowed", method + " is not supported");
        }
    }

    /** How long clients should wait before polling an operation: scaled like the latencies. */
    private Map<String, String> retryAfter() {
        long millis = Math.max(20, Math.min(2_000, Math.round(2_000 * settings.timeScale())));
        return Map.of("Retry-After", Long.toString(Math.max(1, (millis + 999) / 1000)),
                "retry-after-ms", Long.toString(millis));
    }

    private static JsonObject body(HttpExchange exchange) throws IOException {
        String text = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        try {
            JsonElement e = JsonParser.parseString(text.isBlank() ? "{}" : text);
            if (!e.isJsonObject()) {
                throw new ArmError(400, "InvalidRequestContent", "The request content must be a JSON object.");
            }
            return e.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new ArmError(400, "InvalidRequestContent", "The request content was invalid: " + e.getMessage());
        }
    }

    private static void error(HttpExchange exchange, ArmError e, Map<String, String> headers) throws IOException {
        JsonObject error = new JsonObject();
        error.addProperty("code", e.code);
        error.addProperty("message", e.getMessage());
        JsonObject body = new JsonObject();
        body.add("error", error);
        Map<String, String> all = new HashMap<>(headers);
        all.put("x-ms-failure-cause", e.status >= 500 ? "service" : "gateway");
        send(exchange, e.status, body, all);
    }

    private static void send(HttpExchange exchange, int status, JsonObject body, Map<String, String> headers)
            throws IOException {
        headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        exchange.getResponseHeaders().set("x-ms-request-id", UUID.randomUUID().toString());
        if (body == null) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.close();
        timers.shutdownNow();
        sockets.close();
    }
}
