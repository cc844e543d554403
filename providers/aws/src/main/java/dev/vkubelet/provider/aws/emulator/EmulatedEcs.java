package dev.vkubelet.provider.aws.emulator;

import dev.vkubelet.provider.cloudkit.Latency;
import dev.vkubelet.provider.cloudkit.ContainerScript;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ECS control plane: clusters, task definitions and Fargate tasks with their timed life
 * cycle. Every method runs under the instance lock; timers take it too.
 */
final class EmulatedEcs {

    static final String ACCOUNT = "123456789012";
    private static final String STREAM_PREFIX_OPTION = "awslogs-stream-prefix";

    private final EmulatorSettings settings;
    private final ScheduledExecutorService timers;
    private final EmulatedLogs logs;
    private final Map<String, JsonObject> clusters = new LinkedHashMap<>();
    private final Map<String, List<JsonObject>> families = new HashMap<>();
    private final Map<String, EmulatedTask> tasks = new LinkedHashMap<>();
    private final Map<String, String> clientTokens = new HashMap<>();
    private final AtomicLong runTaskCalls = new AtomicLong();
    private int nextIp = 1;

    EmulatedEcs(EmulatorSettings settings, ScheduledExecutorService timers, EmulatedLogs logs) {
        this.settings = settings;
        this.timers = timers;
        this.logs = logs;
    }

    private String arn(String resource) {
        return "arn:aws:ecs:" + settings.region() + ":" + ACCOUNT + ":" + resource;
    }

    static JsonArray tagsJson(Map<String, String> tags) {
        JsonArray out = new JsonArray();
        tags.forEach((k, v) -> out.add(Json.pair("key", k, "value", v)));
        return out;
    }

    // ---- clusters

    synchronized JsonObject createCluster(JsonObject request) {
        String name = Json.optionalString(request, "clusterName", "default");
        JsonObject cluster = clusters.computeIfAbsent(name, n -> {
            JsonObject c = new JsonObject();
            c.addProperty("clusterArn", arn("cluster/" + n));
            c.addProperty("clusterName", n);
            c.addProperty("status", "ACTIVE");
            return c;
        });
        JsonObject response = new JsonObject();
        response.add("cluster", withCounts(name, cluster));
        return response;
    }

    private JsonObject withCounts(String name, JsonObject cluster) {
        JsonObject c = cluster.deepCopy();
        String clusterArn = cluster.get("clusterArn").getAsString();
        long running = tasks.values().stream().filter(t -> t.clusterArn.equals(clusterArn)
                && "RUNNING".equals(t.lastStatus)).count();
        long pending = tasks.values().stream().filter(t -> t.clusterArn.equals(clusterArn)
                && !t.stopping() && !"RUNNING".equals(t.lastStatus)).count();
        c.addProperty("runningTasksCount", running);
        c.addProperty("pendingTasksCount", pending);
        c.addProperty("activeServicesCount", 0);
        c.addProperty("registeredContainerInstancesCount", 0);
        return c;
    }

    synchronized JsonObject describeClusters(JsonObject request) {
        List<String> names = Json.strings(request, "clusters");
        if (names.isEmpty()) {
            names = List.of("default");
        }
        JsonArray found = new JsonArray();
        JsonArray failures = new JsonArray();
        for (String nameOrArn : names) {
            String name = clusterName(nameOrArn);
            JsonObject cluster = clusters.get(name);
            if (cluster == null) {
                failures.add(failure(nameOrArn.startsWith("arn:") ? nameOrArn : arn("cluster/" + name), "MISSING"));
            } else {
                found.add(withCounts(name, cluster));
            }
        }
        JsonObject response = new JsonObject();
        response.add("clusters", found);
        response.add("failures", failures);
        return response;
    }

    private static String clusterName(String nameOrArn) {
        return nameOrArn.contains(":cluster/") ? nameOrArn.substring(nameOrArn.indexOf(":cluster/") + 9) : nameOrArn;
    }

    private JsonObject cluster(JsonObject request) {
        String name = clusterName(Json.optionalString(request, "cluster", "default"));
        JsonObject cluster = clusters.get(name);
        if (cluster == null) {
            throw new ApiError(400, "ClusterNotFoundException", "Cluster not found.");
        }
        return cluster;
    }

    private static JsonObject failure(String arn, String reason) {
        return Json.pair("arn", arn, "reason", reason);
    }

    // ---- task definitions

    synchronized JsonObject registerTaskDefinition(JsonObject request) {
        String family = Json.requiredString(request, "family");
        if (!family.matches("[A-Za-z0-9_-]{1,255}")) {
            throw new ApiError(400, "ClientException", "Family contains invalid characters: " + family);
        }
        JsonElement containers = request.get("containerDefinitions");
        if (containers == null || !containers.isJsonArray() || containers.getAsJsonArray().isEmpty()) {
            throw new ApiError(400, "ClientException", "Container list cannot be empty.");
        }
        List<JsonObject> revisions = families.computeIfAbsent(family, f -> new ArrayList<>());
        JsonObject definition = request.deepCopy();
        definition.remove("tags");
        int revision = revisions.size() + 1;
        definition.addProperty("taskDefinitionArn", arn("task-definition/" + family + ":" + revision));
        definition.addProperty("revision", revision);
        definition.addProperty("status", "ACTIVE");
        definition.addProperty("registeredAt", Json.epochSeconds(Instant.now()));
        JsonArray compatibilities = new JsonArray();
        compatibilities.add("EC2");
        compatibilities.add("FARGATE");
        definition.add("compatibilities", compatibilities);
        revisions.add(definition);
        JsonObject response = new JsonObject();
        response.add("taskDefinition", definition);
        return response;
    }

    /** Finds {@code family}, {@code family:revision} or the ARN; the latest ACTIVE revision for a bare family. */
    private JsonObject taskDefinition(String reference) {
        String ref = reference.contains(":task-definition/")
                ? reference.substring(reference.indexOf(":task-definition/") + 17) : reference;
        int colon = ref.lastIndexOf(':');
        String family = colon < 0 ? ref : ref.substring(0, colon);
        List<JsonObject> revisions = families.get(family);
        if (revisions != null) {
            if (colon < 0) {
                for (int i = revisions.size() - 1; i >= 0; i--) {
                    if ("ACTIVE".equals(revisions.get(i).get("status").getAsString())) {
                        return revisions.get(i);
                    }
                }
            } else {
                try {
                    int revision = Integer.parseInt(ref.substring(colon + 1));
                    if (revision >= 1 && revision <= revisions.size()) {
                        return revisions.get(revision - 1);
                    }
                } catch (NumberFormatException e) {
                    // not found below
                }
            }
        }
        throw new ApiError(400, "ClientException", "Unable to describe task definition.");
    }

    synchronized JsonObject describeTaskDefinition(JsonObject request) {
        JsonObject response = new JsonObject();
        response.add("taskDefinition", taskDefinition(Json.requiredString(request, "taskDefinition")));
        return response;
    }

    synchronized JsonObject deregisterTaskDefinition(JsonObject request) {
        String reference = Json.requiredString(request, "taskDefinition");
        if (!reference.contains(":task-definition/") && !reference.contains(":")) {
            throw new ApiError(400, "ClientException", "The specified task definition does not exist: a revision is "
                    + "required.");
        }
        JsonObject definition = taskDefinition(reference);
        definition.addProperty("status", "INACTIVE");
        definition.addProperty("deregisteredAt", Json.epochSeconds(Instant.now()));
        JsonObject response = new JsonObject();
        response.add("taskDefinition", definition);
        return response;
    }

    // ---- tasks

    synchronized JsonObject runTask(JsonObject request, boolean injectFailure) {
        runTaskCalls.incrementAndGet();
        JsonObject cluster = cluster(request);
        String clusterArn = cluster.get("clusterArn").getAsString();
        String token = Json.optionalString(request, "clientToken", null);
        if (token != null && clientTokens.containsKey(token)) {
            return tasksResponse(List.of(tasks.get(clientTokens.get(token))), new JsonArray(), false);
        }
        JsonObject definition = taskDefinition(Json.requiredString(request, "taskDefinition"));
        if (!"ACTIVE".equals(definition.get("status").getAsString())) {
            throw new ApiError(400, "ClientException", "TaskDefinition is inactive");
        }
        String launchType = Json.optionalString(request, "launchType", "EC2");
        if (!"FARGATE".equals(launchType)) {
            throw new ApiError(400, "InvalidParameterException", "The emulator runs FARGATE tasks only.");
        }
        JsonObject network = request.has("networkConfiguration")
                ? request.getAsJsonObject("networkConfiguration").getAsJsonObject("awsvpcConfiguration") : null;
        if (network == null || Json.strings(network, "subnets").isEmpty()) {
            throw new ApiError(400, "InvalidParameterException",
                    "Network Configuration must be provided when networkMode 'awsvpc' is specified.");
        }
        long count = Json.optionalLong(request, "count", 1);
        if (count != 1) {
            throw new ApiError(400, "InvalidParameterException", "The emulator runs one task per RunTask call.");
        }
        if (injectFailure) {
            JsonArray failures = new JsonArray();
            JsonObject f = failure(clusterArn, "RESOURCE:ENI");
            f.addProperty("detail", "injected: no ENI available in the subnet");
            failures.add(f);
            return tasksResponse(List.of(), failures, false);
        }
        String id = UUID.randomUUID().toString().replace("-", "");
        String clusterName = cluster.get("clusterName").getAsString();
        String taskArn = arn("task/" + clusterName + "/" + id);
        Map<String, String> tags = new LinkedHashMap<>();
        if (request.has("tags")) {
            for (JsonElement tag : request.getAsJsonArray("tags")) {
                JsonObject t = tag.getAsJsonObject();
                tags.put(t.get("key").getAsString(), t.get("value").getAsString());
            }
        }
        List<EmulatedTask.Container> containers = new ArrayList<>();
        for (JsonElement e : definition.getAsJsonArray("containerDefinitions")) {
            JsonObject c = e.getAsJsonObject();
            String name = Json.requiredString(c, "name");
            String logGroup = null;
            String logStream = null;
            JsonObject logConfig = c.has("logConfiguration") ? c.getAsJsonObject("logConfiguration") : null;
            if (logConfig != null && "awslogs".equals(Json.optionalString(logConfig, "logDriver", ""))
                    && logConfig.has("options")) {
                JsonObject options = logConfig.getAsJsonObject("options");
                logGroup = Json.optionalString(options, "awslogs-group", null);
                String prefix = Json.optionalString(options, STREAM_PREFIX_OPTION, null);
                logStream = prefix == null ? id : prefix + "/" + name + "/" + id;
            }
            containers.add(new EmulatedTask.Container(name, Json.optionalString(c, "image", ""),
                    !c.has("essential") || c.get("essential").getAsBoolean(),
                    ContainerScript.of(Json.strings(c, "entryPoint"), Json.strings(c, "command")), logGroup,
                    logStream));
        }
        int n = nextIp++;
        EmulatedTask task = new EmulatedTask(taskArn, id, clusterArn,
                definition.get("taskDefinitionArn").getAsString(), definition.get("family").getAsString(),
                Json.optionalString(request, "startedBy", null),
                Json.optionalString(request, "group", "family:" + definition.get("family").getAsString()),
                Json.optionalString(definition, "cpu", "256"), Json.optionalString(definition, "memory", "512"),
                Json.optionalString(request, "platformVersion", "1.4.0"), tags, containers,
                "attachment-" + UUID.randomUUID(), "10.0." + ((n >> 8) & 0xff) + "." + (n & 0xff), Instant.now());
        if (request.has("overrides") && request.get("overrides").isJsonObject()) {
            task.overrides = request.getAsJsonObject("overrides").deepCopy();
        }
        tasks.put(taskArn, task);
        if (token != null) {
            clientTokens.put(token, taskArn);
        }
        after(settings.provisioning(), task, this::pulling);
        return tasksResponse(List.of(task), new JsonArray(), false);
    }

    private JsonObject tasksResponse(List<EmulatedTask> found, JsonArray failures, boolean withTags) {
        JsonArray list = new JsonArray();
        found.forEach(t -> list.add(t.toJson(withTags)));
        JsonObject response = new JsonObject();
        response.add("tasks", list);
        response.add("failures", failures);
        return response;
    }

    private interface Transition {
        void apply(EmulatedTask task);
    }

    /** Runs {@code next} on the task after a draw of {@code latency}, unless the task moved on. */
    private void after(Latency latency, EmulatedTask task, Transition next) {
        long version = task.version;
        long delay = latency.sampleMillis(ThreadLocalRandom.current(), settings.timeScale());
        timers.schedule(() -> {
            synchronized (this) {
                if (task.version == version) {
                    next.apply(task);
                }
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    private void changed(EmulatedTask task) {
        task.version++;
    }

    private void pulling(EmulatedTask task) {
        task.lastStatus = "PENDING";
        task.attachmentStatus = "ATTACHED";
        task.pullStartedAt = Instant.now();
        changed(task);
        after(settings.pending(), task, this::activating);
    }

    private void activating(EmulatedTask task) {
        task.lastStatus = "ACTIVATING";
        task.pullStoppedAt = Instant.now();
        changed(task);
        after(settings.activating(), task, this::running);
    }

    private void running(EmulatedTask task) {
        task.lastStatus = "RUNNING";
        task.startedAt = Instant.now();
        task.containers.forEach(c -> c.lastStatus = "RUNNING");
        changed(task);
        task.containers.forEach(c -> runSteps(task, c));
    }

    /** Runs the container's steps up to the next sleep (scheduling the rest) or its end. */
    private void runSteps(EmulatedTask task, EmulatedTask.Container c) {
        while (!"STOPPED".equals(c.lastStatus) && !task.stopping()) {
            if (c.step >= c.script.steps().size()) {
                if (!c.script.server()) {
                    containerExited(task, c, 0);
                }
                return;
            }
            ContainerScript.Step step = c.script.steps().get(c.step++);
            if (step instanceof ContainerScript.Echo echo) {
                log(c, echo.text());
            } else if (step instanceof ContainerScript.Exit exit) {
                containerExited(task, c, exit.code());
                return;
            } else if (step instanceof ContainerScript.Sleep sleep) {
                timers.schedule(() -> {
                    synchronized (this) {
                        runSteps(task, c);
                    }
                }, sleep.duration().toMillis(), TimeUnit.MILLISECONDS);
                return;
            }
        }
    }

    private void log(EmulatedTask.Container c, String line) {
        if (c.logGroup != null) {
            logs.append(c.logGroup, c.logStream, System.currentTimeMillis(), line);
        }
    }

    private void containerExited(EmulatedTask task, EmulatedTask.Container c, int code) {
        c.lastStatus = "STOPPED";
        c.exitCode = code;
        changed(task);
        if (c.essential || task.containers.stream().allMatch(x -> "STOPPED".equals(x.lastStatus))) {
            task.executionStoppedAt = Instant.now();
        }
        if (c.essential) {
            stop(task, "EssentialContainerExited", "Essential container in task exited");
        } else if (task.containers.stream().allMatch(x -> "STOPPED".equals(x.lastStatus))) {
            stop(task, "EssentialContainerExited", "All containers in task exited");
        }
    }

    private void stop(EmulatedTask task, String code, String reason) {
        if (task.stopping()) {
            return;
        }
        task.desiredStatus = "STOPPED";
        task.stopCode = code;
        task.stoppedReason = reason;
        task.stoppingAt = Instant.now();
        if (task.startedAt == null) {
            task.containers.forEach(c -> {
                c.lastStatus = "STOPPED";
                c.reason = "Task stopped before the container started";
            });
        }
        changed(task);
        if ("RUNNING".equals(task.lastStatus)) {
            task.lastStatus = "DEACTIVATING";
            after(settings.deactivating(), task, this::stoppingContainers);
        } else {
            stoppingContainers(task);
        }
    }

    private void stoppingContainers(EmulatedTask task) {
        task.lastStatus = "STOPPING";
        changed(task);
        after(settings.stopping(), task, t -> {
            for (EmulatedTask.Container c : t.containers) {
                if (!"STOPPED".equals(c.lastStatus)) {
                    // the emulated processes handle SIGTERM and exit cleanly
                    c.lastStatus = "STOPPED";
                    c.exitCode = 0;
                    log(c, "received SIGTERM, exiting");
                }
            }
            t.lastStatus = "DEPROVISIONING";
            if (t.executionStoppedAt == null) {
                t.executionStoppedAt = Instant.now();
            }
            t.attachmentStatus = "DELETED";
            changed(t);
            after(settings.deprovisioning(), t, this::stopped);
        });
    }

    private void stopped(EmulatedTask task) {
        task.lastStatus = "STOPPED";
        task.stoppedAt = Instant.now();
        changed(task);
    }

    private EmulatedTask task(String clusterArn, String reference) {
        EmulatedTask task = tasks.get(reference);
        if (task == null && !reference.startsWith("arn:")) {
            String clusterName = clusterArn.substring(clusterArn.indexOf(":cluster/") + 9);
            task = tasks.get(arn("task/" + clusterName + "/" + reference));
        }
        return task != null && task.clusterArn.equals(clusterArn) ? task : null;
    }

    synchronized JsonObject describeTasks(JsonObject request) {
        String clusterArn = cluster(request).get("clusterArn").getAsString();
        List<String> references = Json.strings(request, "tasks");
        if (references.isEmpty() || references.size() > 100) {
            throw new ApiError(400, "InvalidParameterException", "Tasks cannot be empty and hold at most 100 items.");
        }
        boolean withTags = Json.strings(request, "include").contains("TAGS");
        List<EmulatedTask> found = new ArrayList<>();
        JsonArray failures = new JsonArray();
        for (String reference : references) {
            EmulatedTask task = task(clusterArn, reference);
            if (task == null) {
                failures.add(failure(reference, "MISSING"));
            } else {
                found.add(task);
            }
        }
        return tasksResponse(found, failures, withTags);
    }

    synchronized JsonObject stopTask(JsonObject request) {
        String clusterArn = cluster(request).get("clusterArn").getAsString();
        String reference = Json.requiredString(request, "task");
        EmulatedTask task = task(clusterArn, reference);
        if (task == null) {
            throw new ApiError(400, "InvalidParameterException", "The referenced task was not found.");
        }
        stop(task, "UserInitiated", Json.optionalString(request, "reason", "Task stopped by user"));
        JsonObject response = new JsonObject();
        response.add("task", task.toJson(false));
        return response;
    }

    synchronized JsonObject listTasks(JsonObject request) {
        String clusterArn = cluster(request).get("clusterArn").getAsString();
        String family = Json.optionalString(request, "family", null);
        String startedBy = Json.optionalString(request, "startedBy", null);
        String desired = Json.optionalString(request, "desiredStatus", "RUNNING");
        int max = (int) Json.optionalLong(request, "maxResults", 100);
        if (max < 1 || max > 100) {
            throw new ApiError(400, "InvalidParameterException", "maxResults must be between 1 and 100");
        }
        int start = 0;
        String token = Json.optionalString(request, "nextToken", null);
        if (token != null) {
            try {
                start = Integer.parseInt(token);
            } catch (NumberFormatException e) {
                throw new ApiError(400, "InvalidParameterException", "Invalid nextToken");
            }
        }
        List<String> matching = new ArrayList<>();
        for (EmulatedTask t : tasks.values()) {
            if (t.clusterArn.equals(clusterArn) && t.desiredStatus.equals(desired)
                    && (family == null || family.equals(t.family))
                    && (startedBy == null || startedBy.equals(t.startedBy))) {
                matching.add(t.arn);
            }
        }
        int end = Math.min(matching.size(), start + max);
        JsonObject response = new JsonObject();
        response.add("taskArns", Json.array(start < end ? matching.subList(start, end) : List.of()));
        if (end < matching.size()) {
            response.addProperty("nextToken", Integer.toString(end));
        }
        return response;
    }

    /** What the emulator holds, for operators and tests ({@code GET /emulator/state}). */
    synchronized JsonObject state() {
        JsonObject state = new JsonObject();
        state.addProperty("runTaskCalls", runTaskCalls.get());
        JsonArray list = new JsonArray();
        for (EmulatedTask t : tasks.values()) {
            JsonObject j = new JsonObject();
            j.addProperty("taskArn", t.arn);
            j.addProperty("family", t.family);
            j.addProperty("lastStatus", t.lastStatus);
            j.addProperty("desiredStatus", t.desiredStatus);
            if (t.startedBy != null) {
                j.addProperty("startedBy", t.startedBy);
            }
            list.add(j);
        }
        state.add("tasks", list);
        int active = 0;
        for (List<JsonObject> revisions : families.values()) {
            for (JsonObject d : revisions) {
                if ("ACTIVE".equals(d.get("status").getAsString())) {
                    active++;
                }
            }
        }
        state.addProperty("activeTaskDefinitions", active);
        return state;
    }
}
