package dev.vkubelet.provider.aws.emulator;

import dev.vkubelet.provider.cloudkit.ContainerScript;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One task's state. Guarded by the {@link EmulatedEcs} that owns it. */
final class EmulatedTask {

    /** One container of the task. */
    static final class Container {
        final String name;
        final String image;
        final boolean essential;
        final ContainerScript script;
        final String logGroup;
        final String logStream;
        String lastStatus = "PENDING";
        Integer exitCode;
        String reason;
        int step;

        Container(String name, String image, boolean essential, ContainerScript script, String logGroup,
                String logStream) {
            this.name = name;
            this.image = image;
            this.essential = essential;
            this.script = script;
            this.logGroup = logGroup;
            this.logStream = logStream;
        }
    }

    final String arn;
    final String id;
    final String clusterArn;
    final String taskDefinitionArn;
    final String family;
    final String startedBy;
    final String group;
    final String cpu;
    final String memory;
    final String platformVersion;
    final Map<String, String> tags;
    final List<Container> containers;
    final String eniId;
    final String privateIp;
    final Instant createdAt;
    /** The RunTask request's {@code overrides}, answered as ECS does in DescribeTasks; null without. */
    JsonObject overrides;
    String lastStatus = "PROVISIONING";
    String desiredStatus = "RUNNING";
    String attachmentStatus = "PRECREATED";
    Instant pullStartedAt;
    Instant pullStoppedAt;
    Instant startedAt;
    Instant stoppingAt;
    Instant executionStoppedAt;
    Instant stoppedAt;
    String stopCode;
    String stoppedReason;
    long version = 1;

    EmulatedTask(String arn, String id, String clusterArn, String taskDefinitionArn, String family, String startedBy,
            String group, String cpu, String memory, String platformVersion, Map<String, String> tags,
            List<Container> containers, String eniId, String privateIp, Instant createdAt) {
        this.arn = arn;
        this.id = id;
        this.clusterArn = clusterArn;
        this.taskDefinitionArn = taskDefinitionArn;
        this.family = family;
        this.startedBy = startedBy;
        this.group = group;
        this.cpu = cpu;
        this.memory = memory;
        this.platformVersion = platformVersion;
        this.tags = Map.copyOf(tags);
        this.containers = List.copyOf(containers);
        this.eniId = eniId;
        this.privateIp = privateIp;
        this.createdAt = createdAt;
    }

    boolean stopping() {
        return "STOPPED".equals(desiredStatus);
    }

    JsonObject toJson(boolean withTags) {
        JsonObject t = new JsonObject();
        t.addProperty("taskArn", arn);
        t.addProperty("clusterArn", clusterArn);
        t.addProperty("taskDefinitionArn", taskDefinitionArn);
        t.addProperty("lastStatus", lastStatus);
        t.addProperty("desiredStatus", desiredStatus);
        t.addProperty("launchType", "FARGATE");
        t.addProperty("platformVersion", platformVersion);
        t.addProperty("platformFamily", "Linux");
        t.addProperty("cpu", cpu);
        t.addProperty("memory", memory);
        t.addProperty("group", group);
        if (startedBy != null) {
            t.addProperty("startedBy", startedBy);
        }
        t.addProperty("version", version);
        if (overrides != null) {
            t.add("overrides", overrides.deepCopy());
        }
        t.addProperty("availabilityZone", "us-east-1a");
        t.addProperty("connectivity", "CONNECTED");
        time(t, "createdAt", createdAt);
        time(t, "connectivityAt", createdAt);
        time(t, "pullStartedAt", pullStartedAt);
        time(t, "pullStoppedAt", pullStoppedAt);
        time(t, "startedAt", startedAt);
        time(t, "stoppingAt", stoppingAt);
        time(t, "executionStoppedAt", executionStoppedAt);
        time(t, "stoppedAt", stoppedAt);
        if (stopCode != null) {
            t.addProperty("stopCode", stopCode);
            t.addProperty("stoppedReason", stoppedReason);
        }
        JsonArray attachments = new JsonArray();
        JsonObject eni = new JsonObject();
        eni.addProperty("id", eniId);
        eni.addProperty("type", "ElasticNetworkInterface");
        eni.addProperty("status", attachmentStatus);
        JsonArray details = new JsonArray();
        details.add(detail("subnetId", "subnet-emulated"));
        details.add(detail("networkInterfaceId", "eni-" + id.substring(0, 17)));
        details.add(detail("privateIPv4Address", privateIp));
        eni.add("details", details);
        attachments.add(eni);
        t.add("attachments", attachments);
        JsonArray cs = new JsonArray();
        for (Container c : containers) {
            JsonObject j = new JsonObject();
            j.addProperty("containerArn", clusterArn.replace(":cluster/", ":container/") + "/" + id + "/" + c.name);
            j.addProperty("taskArn", arn);
            j.addProperty("name", c.name);
            j.addProperty("image", c.image);
            j.addProperty("lastStatus", c.lastStatus);
            if (c.exitCode != null) {
                j.addProperty("exitCode", c.exitCode);
            }
            if (c.reason != null) {
                j.addProperty("reason", c.reason);
            }
            j.addProperty("healthStatus", "UNKNOWN");
            JsonArray nics = new JsonArray();
            JsonObject nic = new JsonObject();
            nic.addProperty("attachmentId", eniId);
            nic.addProperty("privateIpv4Address", privateIp);
            nics.add(nic);
            j.add("networkInterfaces", nics);
            cs.add(j);
        }
        t.add("containers", cs);
        if (withTags) {
            t.add("tags", EmulatedEcs.tagsJson(tags));
        }
        return t;
    }

    private static JsonObject detail(String name, String value) {
        return Json.pair("name", name, "value", value);
    }

    private static void time(JsonObject o, String field, Instant t) {
        if (t != null) {
            o.addProperty(field, Json.epochSeconds(t));
        }
    }
}
