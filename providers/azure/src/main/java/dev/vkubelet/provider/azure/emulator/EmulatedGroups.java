package dev.vkubelet.provider.azure.emulator;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.vkubelet.provider.cloudkit.ContainerScript;
import dev.vkubelet.provider.cloudkit.Latency;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Container groups and their timed life cycle, long-running operations, logs and exec sessions.
 * Every method runs under the instance lock; timers take it too.
 */
final class EmulatedGroups {

    /** A container state as ACI reports it. */
    private record State(String state, Instant start, Integer exitCode, Instant finish, String detail) {}

    /** An event as ACI reports it. */
    private static final class Event {
        final String name;
        final String message;
        final String type;
        final Instant first;
        Instant last;
        int count = 1;

        Event(String name, String message, String type, Instant at) {
            this.name = name;
            this.message = message;
            this.type = type;
            this.first = at;
            this.last = at;
        }
    }

    private record LogLine(Instant at, String text) {}

    private static final class Container {
        final String name;
        final String image;
        final JsonObject properties;
        final ContainerScript script;
        final Map<String, String> env = new LinkedHashMap<>();
        final List<Event> events = new ArrayList<>();
        final List<LogLine> logs = new ArrayList<>();
        State current;
        State previous;
        int restartCount;
        int step;
        long run;

        Container(String name, String image, JsonObject properties, ContainerScript script) {
            this.name = name;
            this.image = image;
            this.properties = properties;
            this.script = script;
        }
    }

    private static final class Group {
        final String id;
        final String name;
        final String location;
        final JsonObject properties;
        final String restartPolicy;
        final List<Container> containers = new ArrayList<>();
        final List<Event> events = new ArrayList<>();
        JsonObject tags;
        String provisioningState = "Pending";
        String ip;
        long version;

        Group(String id, String name, String location, JsonObject tags, JsonObject properties) {
            this.id = id;
            this.name = name;
            this.location = location;
            this.tags = tags;
            this.properties = properties;
            this.restartPolicy = properties.has("restartPolicy") ? properties.get("restartPolicy").getAsString()
                    : "Always";
        }
    }

    private static final class Operation {
        String status = "InProgress";
        String errorCode;
        String errorMessage;
        final Instant start = Instant.now();
        Instant end;
    }

    private final ArmSettings settings;
    private final ScheduledExecutorService timers;
    private final ExecSockets sockets;
    private final Map<String, Group> groups = new LinkedHashMap<>();
    private final Map<String, Operation> operations = new LinkedHashMap<>();
    private int nextIp = 1;
    private long puts;

    EmulatedGroups(ArmSettings settings, ScheduledExecutorService timers, ExecSockets sockets) {
        this.settings = settings;
        this.timers = timers;
        this.sockets = sockets;
    }

    private static String key(String id) {
        return id.toLowerCase();
    }

    private static String iso(Instant t) {
        return t == null ? null : DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.MILLIS));
    }

    private Group group(String id) {
        Group g = groups.get(key(id));
        if (g == null) {
            throw new ArmError(404, "ResourceNotFound", "The Resource 'Microsoft.ContainerInstance/containerGroups/"
                    + id.substring(id.lastIndexOf('/') + 1) + "' under resource group was not found.");
        }
        return g;
    }

    private Container container(Group g, String name) {
        return g.containers.stream().filter(c -> c.name.equals(name)).findFirst().orElseThrow(() ->
                new ArmError(404, "ContainerNotFound", "The container '" + name + "' is not in container group '"
                        + g.name + "'."));
    }

    // ---- create, update, get, list, delete

    /** The result of a PUT: whether it created the group, its body, and the operation to follow. */
    record Put(boolean created, JsonObject body, String operationId) {}

    synchronized Put put(String id, String name, JsonObject request) {
        if (!name.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
            throw new ArmError(400, "ContainerGroupNameInvalid", "The container group name '" + name
                    + "' is invalid: lower case letters, digits and '-', 1 to 63, not starting or ending with '-'.");
        }
        if (!request.has("location") || request.get("location").getAsString().isBlank()) {
            throw new ArmError(400, "LocationRequired", "The location property is required for this definition.");
        }
        JsonObject properties = request.has("properties") ? request.getAsJsonObject("properties") : null;
        if (properties == null || !properties.has("containers") || properties.getAsJsonArray("containers").isEmpty()) {
            throw new ArmError(400, "InvalidContainerGroupContainers", "A container group needs at least one "
                    + "container.");
        }
        JsonObject tags = request.has("tags") ? request.getAsJsonObject("tags") : new JsonObject();
        Group existing = groups.get(key(id));
        String operationId = UUID.randomUUID().toString();
        Operation operation = new Operation();
        operations.put(operationId, operation);
        puts++;
        if (existing != null && !"Deleting".equals(existing.provisioningState)) {
            existing.tags = tags;
            existing.version++;
            finish(operation, null, null);
            return new Put(false, json(existing), operationId);
        }
        Group g = new Group(id, name, request.get("location").getAsString(), tags, properties.deepCopy());
        for (JsonElement e : properties.getAsJsonArray("containers")) {
            JsonObject c = e.getAsJsonObject();
            String cname = c.has("name") ? c.get("name").getAsString() : "";
            JsonObject cp = c.has("properties") ? c.getAsJsonObject("properties") : new JsonObject();
            if (cname.isEmpty() || !cp.has("image")) {
                throw new ArmError(400, "InvalidContainerDefinition", "Every container needs a name and an image.");
            }
            JsonObject requests = cp.has("resources") && cp.getAsJsonObject("resources").has("requests")
                    ? cp.getAsJsonObject("resources").getAsJsonObject("requests") : null;
            if (requests == null || !requests.has("cpu") || !requests.has("memoryInGB")) {
                throw new ArmError(400, "InvalidContainerResourceRequests", "Container '" + cname
                        + "' needs resource requests of cpu and memoryInGB.");
            }
            List<String> argv = new ArrayList<>();
            if (cp.has("command")) {
                cp.getAsJsonArray("command").forEach(x -> argv.add(x.getAsString()));
            }
            Container container = new Container(cname, cp.get("image").getAsString(), cp,
                    ContainerScript.of(argv, List.of()));
            if (cp.has("environmentVariables")) {
                for (JsonElement v : cp.getAsJsonArray("environmentVariables")) {
                    JsonObject var = v.getAsJsonObject();
                    String value = var.has("value") ? var.get("value").getAsString()
                            : var.has("secureValue") ? var.get("secureValue").getAsString() : "";
                    container.env.put(var.get("name").getAsString(), value);
                }
            }
            container.current = new State("Waiting", null, null, null, "Pending");
            g.containers.add(container);
        }
        groups.put(key(id), g);
        after(settings.pending(), g, () -> creating(g, operation));
        return new Put(true, json(g), operationId);
    }

    private void after(Latency latency, Group g, Runnable next) {
        long version = g.version;
        long delay = latency.sampleMillis(ThreadLocalRandom.current(), settings.timeScale());
        timers.schedule(() -> {
            synchronized (this) {
                if (g.version == version && groups.get(key(g.id)) == g) {
                    next.run();
                }
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    private void creating(Group g, Operation operation) {
        g.provisioningState = "Creating";
        g.version++;
        Instant now = Instant.now();
        for (Container c : g.containers) {
            c.events.add(new Event("Pulling", "pulling image \"" + c.image + "\"", "Normal", now));
        }
        after(settings.creating(), g, () -> provisioned(g, operation));
    }

    private void provisioned(Group g, Operation operation) {
        Instant now = Instant.now();
        g.version++;
        if (settings.provisioningFailureRate() > 0
                && ThreadLocalRandom.current().nextDouble() < settings.provisioningFailureRate()) {
            g.provisioningState = "Failed";
            g.events.add(new Event("ProvisioningFailed", "injected: the container group could not be provisioned",
                    "Warning", now));
            finish(operation, "ContainerGroupProvisioningFailed", "injected: provisioning failed");
            return;
        }
        g.provisioningState = "Succeeded";
        if (g.properties.has("ipAddress")) {
            int n = nextIp++;
            String type = g.properties.getAsJsonObject("ipAddress").has("type")
                    ? g.properties.getAsJsonObject("ipAddress").get("type").getAsString() : "Public";
            g.ip = ("Private".equalsIgnoreCase(type) ? "10.240." : "20.62.") + ((n >> 8) & 0xff) + "." + (n & 0xff);
        }
        for (Container c : g.containers) {
            c.events.add(new Event("Pulled", "Successfully pulled image \"" + c.image + "\"", "Normal", now));
            start(g, c, now);
        }
        finish(operation, null, null);
    }

    private void finish(Operation operation, String errorCode, String errorMessage) {
        operation.status = errorCode == null ? "Succeeded" : "Failed";
        operation.errorCode = errorCode;
        operation.errorMessage = errorMessage;
        operation.end = Instant.now();
    }

    private void start(Group g, Container c, Instant now) {
        c.current = new State("Running", now, null, null, null);
        c.step = 0;
        c.run++;
        Event started = c.events.stream().filter(e -> "Started".equals(e.name)).findFirst().orElse(null);
        if (started == null) {
            c.events.add(new Event("Started", "Started container", "Normal", now));
        } else {
            started.count++;
            started.last = now;
        }
        runSteps(g, c, c.run);
    }

    private void runSteps(Group g, Container c, long run) {
        while (c.run == run && "Running".equals(c.current.state()) && groups.get(key(g.id)) == g) {
            if (c.step >= c.script.steps().size()) {
                if (!c.script.server()) {
                    exited(g, c, 0);
                }
                return;
            }
            ContainerScript.Step step = c.script.steps().get(c.step++);
            if (step instanceof ContainerScript.Echo echo) {
                c.logs.add(new LogLine(Instant.now(), echo.text()));
            } else if (step instanceof ContainerScript.Exit exit) {
                exited(g, c, exit.code());
                return;
            } else if (step instanceof ContainerScript.Sleep sleep) {
                timers.schedule(() -> {
                    synchronized (this) {
                        runSteps(g, c, run);
                    }
                }, sleep.duration().toMillis(), TimeUnit.MILLISECONDS);
                return;
            }
        }
    }

    private void exited(Group g, Container c, int code) {
        Instant now = Instant.now();
        State terminated = new State("Terminated", c.current.start(), code, now, code == 0 ? "Completed" : "Error");
        boolean restart = "Always".equalsIgnoreCase(g.restartPolicy)
                || ("OnFailure".equalsIgnoreCase(g.restartPolicy) && code != 0);
        g.version++;
        if (!restart) {
            c.current = terminated;
            return;
        }
        c.previous = terminated;
        c.current = new State("Waiting", null, null, null, "CrashLoopBackOff: back-off restarting the container");
        c.restartCount++;
        long waiting = ++c.run; // ends the exited run; start() begins the next
        long delay = settings.restartDelay().sampleMillis(ThreadLocalRandom.current(), settings.timeScale());
        timers.schedule(() -> {
            synchronized (this) {
                if (c.run == waiting && groups.get(key(g.id)) == g && !"Deleting".equals(g.provisioningState)) {
                    start(g, c, Instant.now());
                }
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    private static String instanceState(Group g) {
        if (!"Succeeded".equals(g.provisioningState)) {
            return g.provisioningState;
        }
        boolean allTerminated = g.containers.stream().allMatch(c -> "Terminated".equals(c.current.state()));
        if (!allTerminated) {
            return "Running";
        }
        return g.containers.stream().allMatch(c -> Integer.valueOf(0).equals(c.current.exitCode()))
                ? "Succeeded" : "Failed";
    }

    synchronized JsonObject get(String id) {
        return json(group(id));
    }

    /** One page of the groups under {@code prefix} (a resource group's or a subscription's). */
    synchronized JsonObject list(String prefix, int skip, String nextLinkBase) {
        List<Group> matching = groups.values().stream()
                .filter(g -> key(g.id).startsWith(key(prefix))).toList();
        JsonArray value = new JsonArray();
        int end = Math.min(matching.size(), skip + settings.pageSize());
        for (int i = skip; i < end; i++) {
            JsonObject g = json(matching.get(i));
            // as in ACI, a list leaves out the instance views: a GET of the group has them
            JsonObject p = g.getAsJsonObject("properties");
            p.remove("instanceView");
            p.getAsJsonArray("containers").forEach(c -> c.getAsJsonObject().getAsJsonObject("properties")
                    .remove("instanceView"));
            value.add(g);
        }
        JsonObject page = new JsonObject();
        page.add("value", value);
        if (end < matching.size()) {
            page.addProperty("nextLink", nextLinkBase + "&$skipToken=" + end);
        }
        return page;
    }

    /** Starts deleting; returns the operation to follow, or null when there was no such group. */
    synchronized String delete(String id) {
        Group g = groups.get(key(id));
        if (g == null) {
            return null;
        }
        String operationId = UUID.randomUUID().toString();
        Operation operation = new Operation();
        operations.put(operationId, operation);
        if (!"Deleting".equals(g.provisioningState)) {
            g.provisioningState = "Deleting";
            g.version++;
            Instant now = Instant.now();
            for (Container c : g.containers) {
                if ("Running".equals(c.current.state())) {
                    c.current = new State("Terminated", c.current.start(), 0, now, "Killed: the group is deleted");
                }
            }
        }
        long delay = settings.deleting().sampleMillis(ThreadLocalRandom.current(), settings.timeScale());
        timers.schedule(() -> {
            synchronized (this) {
                groups.remove(key(g.id), g);
                finish(operation, null, null);
            }
        }, delay, TimeUnit.MILLISECONDS);
        return operationId;
    }

    /** The operation's status body, or null when unknown. */
    synchronized JsonObject operation(String id) {
        Operation operation = operations.get(id);
        if (operation == null) {
            return null;
        }
        JsonObject o = new JsonObject();
        o.addProperty("id", id);
        o.addProperty("name", id);
        o.addProperty("status", operation.status);
        o.addProperty("startTime", iso(operation.start));
        if (operation.end != null) {
            o.addProperty("endTime", iso(operation.end));
        }
        if (operation.errorCode != null) {
            JsonObject error = new JsonObject();
            error.addProperty("code", operation.errorCode);
            error.addProperty("message", operation.errorMessage);
            o.add("error", error);
        }
        return o;
    }

    // ---- logs and exec

    synchronized JsonObject logs(String id, String containerName, Integer tail, boolean timestamps) {
        Container c = container(group(id), containerName);
        List<LogLine> lines = c.logs;
        if (tail != null && tail >= 0 && tail < lines.size()) {
            lines = lines.subList(lines.size() - tail, lines.size());
        }
        StringBuilder content = new StringBuilder();
        for (LogLine line : lines) {
            if (timestamps) {
                content.append(DateTimeFormatter.ISO_INSTANT.format(line.at())).append(' ');
            }
            content.append(line.text()).append('\n');
        }
        JsonObject o = new JsonObject();
        o.addProperty("content", content.toString());
        return o;
    }

    synchronized JsonObject exec(String id, String containerName, JsonObject request) {
        Group g = group(id);
        Container c = container(g, containerName);
        if (!"Running".equals(c.current.state())) {
            throw new ArmError(409, "ContainerNotRunning", "Container '" + containerName + "' is not running.");
        }
        String command = request.has("command") ? request.get("command").getAsString() : "";
        if (command.isBlank()) {
            throw new ArmError(400, "InvalidExecCommand", "The exec command cannot be empty.");
        }
        String password = UUID.randomUUID().toString().replace("-", "");
        java.net.URI uri = sockets.register(UUID.randomUUID().toString(), password,
                new ExecShell(command, g.name, Map.copyOf(c.env)));
        JsonObject o = new JsonObject();
        o.addProperty("webSocketUri", uri.toString());
        o.addProperty("password", password);
        return o;
    }

    // ---- JSON

    private JsonObject json(Group g) {
        JsonObject o = new JsonObject();
        o.addProperty("id", g.id);
        o.addProperty("name", g.name);
        o.addProperty("type", "Microsoft.ContainerInstance/containerGroups");
        o.addProperty("location", g.location);
        o.add("tags", g.tags.deepCopy());
        JsonObject p = new JsonObject();
        p.addProperty("provisioningState", g.provisioningState);
        p.addProperty("sku", "Standard");
        p.addProperty("osType", g.properties.has("osType") ? g.properties.get("osType").getAsString() : "Linux");
        p.addProperty("restartPolicy", g.restartPolicy);
        if (g.properties.has("ipAddress")) {
            JsonObject ip = g.properties.getAsJsonObject("ipAddress").deepCopy();
            if (g.ip != null) {
                ip.addProperty("ip", g.ip);
            }
            p.add("ipAddress", ip);
        }
        JsonArray containers = new JsonArray();
        for (Container c : g.containers) {
            JsonObject cp = c.properties.deepCopy();
            if (cp.has("environmentVariables")) {
                for (JsonElement v : cp.getAsJsonArray("environmentVariables")) {
                    v.getAsJsonObject().remove("secureValue"); // ARM never returns secure values
                }
            }
            JsonObject view = new JsonObject();
            view.addProperty("restartCount", c.restartCount);
            view.add("currentState", state(c.current));
            if (c.previous != null) {
                view.add("previousState", state(c.previous));
            }
            view.add("events", events(c.events));
            cp.add("instanceView", view);
            JsonObject container = new JsonObject();
            container.addProperty("name", c.name);
            container.add("properties", cp);
            containers.add(container);
        }
        p.add("containers", containers);
        JsonObject view = new JsonObject();
        view.addProperty("state", instanceState(g));
        view.add("events", events(g.events));
        p.add("instanceView", view);
        o.add("properties", p);
        return o;
    }

    private static JsonObject state(State s) {
        JsonObject o = new JsonObject();
        o.addProperty("state", s.state());
        if (s.start() != null) {
            o.addProperty("startTime", iso(s.start()));
        }
        if (s.exitCode() != null) {
            o.addProperty("exitCode", s.exitCode());
        }
        if (s.finish() != null) {
            o.addProperty("finishTime", iso(s.finish()));
        }
        if (s.detail() != null) {
            o.addProperty("detailStatus", s.detail());
        }
        return o;
    }

    private static JsonArray events(List<Event> events) {
        JsonArray out = new JsonArray();
        for (Event e : events) {
            JsonObject o = new JsonObject();
            o.addProperty("count", e.count);
            o.addProperty("firstTimestamp", iso(e.first));
            o.addProperty("lastTimestamp", iso(e.last));
            o.addProperty("name", e.name);
            o.addProperty("message", e.message);
            o.addProperty("type", e.type);
            out.add(o);
        }
        return out;
    }

    /** What the emulator holds, for operators and tests ({@code GET /emulator/state}). */
    synchronized JsonObject state() {
        JsonObject state = new JsonObject();
        state.addProperty("puts", puts);
        JsonArray list = new JsonArray();
        for (Group g : groups.values()) {
            JsonObject j = new JsonObject();
            j.addProperty("id", g.id);
            j.addProperty("provisioningState", g.provisioningState);
            j.addProperty("state", instanceState(g));
            j.add("tags", g.tags.deepCopy());
            list.add(j);
        }
        state.add("groups", list);
        return state;
    }
}
