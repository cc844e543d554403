package dev.vkubelet.provider.aws.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vkubelet.provider.ProviderMetrics;
import dev.vkubelet.provider.aws.config.AwsConfig;
import dev.vkubelet.provider.aws.ecs.AwsClients;
import dev.vkubelet.provider.aws.ecs.RequestTracing;
import dev.vkubelet.provider.testkit.Await;
import dev.vkubelet.tracing.Tracer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatchlogs.model.GetLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.AssignPublicIp;
import software.amazon.awssdk.services.ecs.model.ClientException;
import software.amazon.awssdk.services.ecs.model.ClusterNotFoundException;
import software.amazon.awssdk.services.ecs.model.DescribeTasksResponse;
import software.amazon.awssdk.services.ecs.model.EcsException;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.LogDriver;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.RunTaskRequest;
import software.amazon.awssdk.services.ecs.model.Task;

/** The emulator through the real SDK clients: the wire contract the provider relies on. */
class EcsEmulatorTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private EcsEmulator emulator;
    private AwsClients clients;

    private EcsClient start(EmulatorSettings settings, int maxAttempts) throws IOException {
        emulator = EcsEmulator.start(settings);
        AwsConfig d = AwsConfig.defaults();
        AwsConfig config = new AwsConfig(d.region(), "c1", d.subnets(), d.securityGroups(), false,
                d.platformVersion(), Optional.empty(), d.logGroup(), d.capacity(), Optional.of(emulator.endpoint()), false,
                d.credentials(), d.pollInterval(), d.pendingPollInterval(), maxAttempts, Optional.empty(), settings);
        clients = new AwsClients(config, config.endpoint(), new RequestTracing(Tracer.noop(), ProviderMetrics.none()));
        if (settings.throttleRate() < 1) {
            clients.ecs().createCluster(b -> b.clusterName("c1"));
        }
        return clients.ecs();
    }

    private static EmulatorSettings fast() {
        return EmulatorSettings.defaults().withTimeScale(0.002);
    }

    @AfterEach
    void stop() {
        if (clients != null) {
            clients.close();
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    private static String register(EcsClient ecs, String family, String script) {
        return ecs.registerTaskDefinition(b -> b.family(family).networkMode(NetworkMode.AWSVPC)
                .requiresCompatibilitiesWithStrings("FARGATE").cpu("256").memory("512")
                .containerDefinitions(c -> c.name("main").image("busybox").essential(true)
                        .entryPoint("sh", "-c").command(script)
                        .logConfiguration(l -> l.logDriver(LogDriver.AWSLOGS).options(java.util.Map.of(
                                "awslogs-group", "/test", "awslogs-stream-prefix", "vk")))))
                .taskDefinition().taskDefinitionArn();
    }

    private static RunTaskRequest run(String definition, String token) {
        return RunTaskRequest.builder().cluster("c1").taskDefinition(definition).launchType(LaunchType.FARGATE)
                .clientToken(token).networkConfiguration(n -> n.awsvpcConfiguration(v -> v.subnets("subnet-1")
                        .assignPublicIp(AssignPublicIp.DISABLED)))
                .build();
    }

    private static Task await(EcsClient ecs, String arn, String status) {
        return Await.until(WAIT, "task " + status, () -> ecs.describeTasks(b -> b.cluster("c1").tasks(arn)).tasks()
                .stream().filter(t -> status.equals(t.lastStatus())).findFirst());
    }

    @Test
    void aTaskRunsItsScriptAndStopsWithTheExitCode() throws IOException {
        EcsClient ecs = start(fast(), 3);
        String definition = register(ecs, "job", "echo hello; echo world; exit 3");
        Task created = ecs.runTask(run(definition, "token-1")).tasks().get(0);
        assertEquals("PROVISIONING", created.lastStatus());
        assertNotNull(created.createdAt());
        Task stopped = await(ecs, created.taskArn(), "STOPPED");
        assertEquals(3, stopped.containers().get(0).exitCode());
        assertEquals("EssentialContainerExited", stopped.stopCodeAsString());
        assertNotNull(stopped.startedAt());
        assertNotNull(stopped.stoppedAt());
        assertTrue(stopped.attachments().get(0).details().stream()
                .anyMatch(d -> "privateIPv4Address".equals(d.name()) && d.value().startsWith("10.0.")));
        String taskId = created.taskArn().substring(created.taskArn().lastIndexOf('/') + 1);
        GetLogEventsResponse logs = clients.logs().getLogEvents(b -> b.logGroupName("/test")
                .logStreamName("vk/main/" + taskId).startFromHead(true));
        assertEquals(List.of("hello", "world"), logs.events().stream().map(OutputLogEvent::message).toList());
        GetLogEventsResponse tail = clients.logs().getLogEvents(b -> b.logGroupName("/test")
                .logStreamName("vk/main/" + taskId).limit(1));
        assertEquals(List.of("world"), tail.events().stream().map(OutputLogEvent::message).toList());
        GetLogEventsResponse after = clients.logs().getLogEvents(b -> b.logGroupName("/test")
                .logStreamName("vk/main/" + taskId).nextToken(logs.nextForwardToken()));
        assertTrue(after.events().isEmpty());
        assertEquals(logs.nextForwardToken(), after.nextForwardToken());
    }

    @Test
    void stopTaskWalksTheStopStatesAndTheClientTokenIsIdempotent() throws IOException {
        EcsClient ecs = start(fast(), 3);
        String definition = register(ecs, "server", "echo up; sleep 600");
        Task first = ecs.runTask(run(definition, "same")).tasks().get(0);
        Task again = ecs.runTask(run(definition, "same")).tasks().get(0);
        assertEquals(first.taskArn(), again.taskArn());
        await(ecs, first.taskArn(), "RUNNING");
        Task stopping = ecs.stopTask(b -> b.cluster("c1").task(first.taskArn()).reason("bye")).task();
        assertEquals("STOPPED", stopping.desiredStatus());
        Task stopped = await(ecs, first.taskArn(), "STOPPED");
        assertEquals("UserInitiated", stopped.stopCodeAsString());
        assertEquals("bye", stopped.stoppedReason());
        assertEquals(0, stopped.containers().get(0).exitCode());
    }

    @Test
    void unknownTasksAreMissingFailuresAndUnknownClustersAreErrors() throws IOException {
        EcsClient ecs = start(fast(), 1);
        String arn = "arn:aws:ecs:us-east-1:123456789012:task/c1/0123456789abcdef0123456789abcdef";
        DescribeTasksResponse response = ecs.describeTasks(b -> b.cluster("c1").tasks(arn));
        assertTrue(response.tasks().isEmpty());
        assertEquals("MISSING", response.failures().get(0).reason());
        assertEquals(arn, response.failures().get(0).arn());
        assertThrows(ClusterNotFoundException.class, () -> ecs.describeTasks(b -> b.cluster("nope").tasks(arn)));
        assertEquals("MISSING", ecs.describeClusters(b -> b.clusters("nope")).failures().get(0).reason());
    }

    @Test
    void aDeregisteredDefinitionCannotRunAndErrorsCarryTypeAndMessage() throws IOException {
        EcsClient ecs = start(fast(), 1);
        String definition = register(ecs, "gone", "exit 0");
        ecs.deregisterTaskDefinition(b -> b.taskDefinition(definition));
        ClientException e = assertThrows(ClientException.class, () -> ecs.runTask(run(definition, "t")));
        assertEquals("ClientException", e.awsErrorDetails().errorCode());
        assertTrue(e.getMessage().contains("inactive"), e.getMessage());
    }

    @Test
    void injectedThrottlingReachesTheSdkAsThrottlingException() throws IOException {
        EcsClient ecs = start(fast().withFaults(1.0, 0, 0), 1);
        EcsException e = assertThrows(EcsException.class, () -> ecs.listTasks(b -> b.cluster("c1")));
        assertTrue(e.isThrottlingException(), e.toString());
        assertEquals(400, e.statusCode());
        assertTrue(emulator.throttledRequests() > 0);
    }

    @Test
    void theSdkRetriesThrottlingUntilItGetsThrough() throws IOException {
        // seeded: unseeded, no throttle at all in ten draws of one half came about once in 1,024 runs
        EcsClient ecs = start(fast().withFaults(0.5, 0, 0).withFaultSeed(7), 20);
        for (int i = 0; i < 10; i++) {
            ecs.listTasks(b -> b.cluster("c1"));
        }
        assertTrue(emulator.throttledRequests() > 0, "no request was throttled");
    }

    @Test
    void rateLimitsThrottleBursts() throws IOException {
        EmulatorSettings d = fast();
        EmulatorSettings tight = new EmulatorSettings(0, d.region(), d.timeScale(), d.provisioning(), d.pending(),
                d.activating(), d.deactivating(), d.stopping(), d.deprovisioning(),
                java.util.Map.of("describe", new EmulatorSettings.RateLimit(0.01, 3)), 0, 0, 0,
                java.util.OptionalLong.empty());
        EcsClient ecs = start(tight, 1);
        List<Boolean> throttled = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            try {
                ecs.listTasks(b -> b.cluster("c1"));
                throttled.add(false);
            } catch (EcsException e) {
                throttled.add(e.isThrottlingException());
            }
        }
        assertEquals(List.of(false, false, false, true, true, true), throttled);
    }

    @Test
    void listTasksPagesAndTheStatePageCountsRunTaskCalls() throws Exception {
        EcsClient ecs = start(fast(), 3);
        String definition = register(ecs, "many", "sleep 600");
        for (int i = 0; i < 5; i++) {
            ecs.runTask(run(definition, "t" + i));
        }
        var first = ecs.listTasks(b -> b.cluster("c1").maxResults(2));
        assertEquals(2, first.taskArns().size());
        var all = ecs.listTasksPaginator(b -> b.cluster("c1").maxResults(2)).taskArns().stream()
                .collect(Collectors.toList());
        assertEquals(5, all.size());
        HttpResponse<String> state = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(emulator.endpoint() + "/emulator/state")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, state.statusCode());
        assertTrue(state.body().contains("\"runTaskCalls\":5"), state.body());
    }
}
