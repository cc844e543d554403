package dev.vkubelet.provider.aws.ecs;

import dev.vkubelet.provider.InvalidInputException;
import dev.vkubelet.provider.Models;
import dev.vkubelet.provider.aws.config.AwsConfig;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerPort;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1ResourceRequirements;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ecs.model.AssignPublicIp;
import software.amazon.awssdk.services.ecs.model.AwsVpcConfiguration;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerOverride;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.LogConfiguration;
import software.amazon.awssdk.services.ecs.model.LogDriver;
import software.amazon.awssdk.services.ecs.model.NetworkConfiguration;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.PortMapping;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.RunTaskRequest;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.TaskOverride;
import software.amazon.awssdk.services.ecs.model.TransportProtocol;

/** Pods as Fargate task definitions and RunTask requests. */
public final class TaskDefinitions {

    /** The {@code awslogs-stream-prefix}: streams are {@code vk/<container>/<task id>}. */
    public static final String STREAM_PREFIX = "vk";

    private static final BigDecimal CPU_UNITS_PER_CORE = BigDecimal.valueOf(1024);
    private static final BigDecimal MIB = BigDecimal.valueOf(1024 * 1024);

    private final AwsConfig config;

    public TaskDefinitions(AwsConfig config) {
        this.config = config;
    }

    /** {@code vk-podspec_<cluster>_<namespace>_<pod>}, with characters ECS refuses replaced by {@code -}. */
    public String family(String namespace, String name) {
        String family = ("vk-podspec_" + config.cluster() + "_" + namespace + "_" + name).replaceAll("[^A-Za-z0-9_-]",
                "-");
        return family.length() > 255 ? family.substring(0, 255) : family;
    }

    /** The log stream of a container of a task. */
    public static String logStream(String containerName, String taskId) {
        return STREAM_PREFIX + "/" + containerName + "/" + taskId;
    }

    /**
     * The task definition of {@code pod}.
     *
     * @throws InvalidInputException when the pod needs more than the largest Fargate size, or
     *     asks for what Fargate cannot do
     */
    public RegisterTaskDefinitionRequest register(V1Pod pod) {
        List<ContainerDefinition> containers = new ArrayList<>();
        long cpu = 0;
        long memory = 0;
        for (V1Container c : pod.getSpec().getContainers()) {
            long containerCpu = cpuUnits(c);
            long containerMemory = memoryMiB(c, "limits");
            long reservation = memoryMiB(c, "requests");
            cpu += containerCpu;
            memory += Math.max(containerMemory, reservation);
            containers.add(container(pod, c, containerCpu, containerMemory, reservation));
        }
        long needCpu = cpu;
        long needMemory = memory;
        FargateSize size = FargateSize.smallestFitting(cpu, memory).orElseThrow(() -> new InvalidInputException(
                "pod " + pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName() + " needs " + needCpu
                        + " cpu units and " + needMemory + " MiB, more than the largest Fargate task ("
                        + FargateSize.largest().cpu() + " units, " + FargateSize.largest().memoryMiB() + " MiB)"));
        RegisterTaskDefinitionRequest.Builder request = RegisterTaskDefinitionRequest.builder()
                .family(family(pod.getMetadata().getNamespace(), pod.getMetadata().getName()))
                .networkMode(NetworkMode.AWSVPC)
                .requiresCompatibilities(Compatibility.FARGATE)
                .cpu(Integer.toString(size.cpu()))
                .memory(Integer.toString(size.memoryMiB()))
                .containerDefinitions(containers);
        config.executionRoleArn().ifPresent(request::executionRoleArn);
        return request.build();
    }

    private ContainerDefinition container(V1Pod pod, V1Container c, long cpu, long memory, long reservation) {
        ContainerDefinition.Builder d = ContainerDefinition.builder()
                .name(c.getName())
                .image(c.getImage())
                .essential(true);
        if (c.getCommand() != null && !c.getCommand().isEmpty()) {
            d.entryPoint(c.getCommand());
        }
        if (c.getArgs() != null && !c.getArgs().isEmpty()) {
            d.command(c.getArgs());
        }
        if (c.getWorkingDir() != null && !c.getWorkingDir().isEmpty()) {
            d.workingDirectory(c.getWorkingDir());
        }
        if (cpu > 0) {
            d.cpu((int) cpu);
        }
        if (memory > 0) {
            d.memory((int) memory);
        }
        if (reservation > 0 && (memory == 0 || reservation <= memory)) {
            d.memoryReservation((int) reservation);
        }
        List<KeyValuePair> env = environment(c, false);
        if (!env.isEmpty()) {
            d.environment(env);
        }
        if (c.getPorts() != null) {
            List<PortMapping> ports = new ArrayList<>();
            for (V1ContainerPort p : c.getPorts()) {
                String protocol = p.getProtocol() == null ? "TCP" : p.getProtocol();
                if ("SCTP".equals(protocol)) {
                    throw new InvalidInputException("container " + c.getName()
                            + ": Fargate does not support SCTP ports");
                }
                ports.add(PortMapping.builder().containerPort(p.getContainerPort()).hostPort(p.getContainerPort())
                        .protocol("UDP".equals(protocol) ? TransportProtocol.UDP : TransportProtocol.TCP).build());
            }
            d.portMappings(ports);
        }
        config.logGroup().ifPresent(group -> {
            Map<String, String> options = new LinkedHashMap<>();
            options.put("awslogs-group", group);
            options.put("awslogs-region", config.region());
            options.put("awslogs-stream-prefix", STREAM_PREFIX);
            d.logConfiguration(LogConfiguration.builder().logDriver(LogDriver.AWSLOGS).options(options).build());
        });
        return d.build();
    }

    /**
     * The container's variables whose values came from a Secret ({@code secret}), or all others.
     * Secret-derived values go into RunTask's container overrides, never into a task definition:
     * definitions are kept for ever, in every revision, and readable by anyone who may describe them.
     */
    private static List<KeyValuePair> environment(V1Container c, boolean secret) {
        List<KeyValuePair> env = new ArrayList<>();
        if (c.getEnv() != null) {
            for (V1EnvVar e : c.getEnv()) {
                if (Models.fromSecret(e) == secret) {
                    env.add(KeyValuePair.builder().name(e.getName()).value(e.getValue() == null ? "" : e.getValue())
                            .build());
                }
            }
        }
        return env;
    }

    private static Quantity resource(V1Container c, String kind, String name) {
        V1ResourceRequirements r = c.getResources();
        if (r == null) {
            return null;
        }
        Map<String, Quantity> values = "limits".equals(kind) ? r.getLimits() : r.getRequests();
        return values == null ? null : values.get(name);
    }

    /** cpu units from the limit, else the request; 0 when neither is set. */
    static long cpuUnits(V1Container c) {
        Quantity q = resource(c, "limits", "cpu");
        if (q == null) {
            q = resource(c, "requests", "cpu");
        }
        return q == null ? 0 : q.getNumber().multiply(CPU_UNITS_PER_CORE).setScale(0, RoundingMode.CEILING)
                .longValueExact();
    }

    /** MiB of the memory limit or request, rounded up; 0 when not set. */
    static long memoryMiB(V1Container c, String kind) {
        Quantity q = resource(c, kind, "memory");
        return q == null ? 0 : q.getNumber().divide(MIB, 0, RoundingMode.CEILING).longValueExact();
    }

    /** The RunTask request of {@code pod} with the registered definition, Secret-derived variables as overrides. */
    public RunTaskRequest run(V1Pod pod, String taskDefinitionArn, String nodeName) {
        AwsVpcConfiguration.Builder vpc = AwsVpcConfiguration.builder()
                .subnets(config.subnets())
                .assignPublicIp(config.assignPublicIp() ? AssignPublicIp.ENABLED : AssignPublicIp.DISABLED);
        if (!config.securityGroups().isEmpty()) {
            vpc.securityGroups(config.securityGroups());
        }
        String uid = pod.getMetadata().getUid();
        List<ContainerOverride> overrides = new ArrayList<>();
        for (V1Container c : pod.getSpec().getContainers()) {
            List<KeyValuePair> secret = environment(c, true);
            if (!secret.isEmpty()) {
                overrides.add(ContainerOverride.builder().name(c.getName()).environment(secret).build());
            }
        }
        RunTaskRequest.Builder request = RunTaskRequest.builder()
                .cluster(config.cluster())
                .taskDefinition(taskDefinitionArn)
                .launchType(LaunchType.FARGATE)
                .platformVersion(config.platformVersion())
                .count(1)
                .startedBy(uid.length() > 36 ? uid.substring(0, 36) : uid)
                .clientToken(uid)
                .networkConfiguration(NetworkConfiguration.builder().awsvpcConfiguration(vpc.build()).build())
                .tags(Tag.builder().key(PodTags.NODE).value(nodeName).build(),
                        Tag.builder().key(PodTags.NAMESPACE).value(pod.getMetadata().getNamespace()).build(),
                        Tag.builder().key(PodTags.POD).value(pod.getMetadata().getName()).build(),
                        Tag.builder().key(PodTags.UID).value(uid).build());
        if (!overrides.isEmpty()) {
            request.overrides(TaskOverride.builder().containerOverrides(overrides).build());
        }
        return request.build();
    }
}
