package dev.vkubelet.provider.aws;

import dev.vkubelet.provider.ContainerLogs;
import dev.vkubelet.provider.InvalidInputException;
import dev.vkubelet.provider.LogOptions;
import dev.vkubelet.provider.NodeConfigurer;
import dev.vkubelet.provider.NodeProvider;
import dev.vkubelet.provider.NotFoundException;
import dev.vkubelet.provider.ProviderContext;
import dev.vkubelet.provider.ProviderException;
import dev.vkubelet.provider.RetriableException;
import dev.vkubelet.provider.aws.config.AwsConfig;
import dev.vkubelet.provider.aws.ecs.AwsClients;
import dev.vkubelet.provider.aws.ecs.ClusterTasks;
import dev.vkubelet.provider.aws.ecs.PodTags;
import dev.vkubelet.provider.aws.ecs.TaskDefinitions;
import dev.vkubelet.provider.aws.ecs.TaskStatuses;
import dev.vkubelet.provider.aws.emulator.EcsEmulator;
import dev.vkubelet.provider.cloudkit.CloudNode;
import dev.vkubelet.provider.cloudkit.DaemonThreads;
import dev.vkubelet.provider.cloudkit.TrackedPod;
import dev.vkubelet.provider.cloudkit.TrackingProvider;
import dev.vkubelet.tracing.Granularity;
import dev.vkubelet.tracing.Span;
import dev.vkubelet.tracing.SpanStatus;
import dev.vkubelet.tracing.Tracer;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerState;
import io.kubernetes.client.openapi.models.V1ContainerStateTerminated;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DescribeTasksResponse;
import software.amazon.awssdk.services.ecs.model.Failure;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.RunTaskResponse;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Pods as ECS Fargate tasks. One record per pod holds its task; one background loop describes
 * every task in batches of 100 and pushes status changes to the host. A pod being deleted stays
 * until its task is STOPPED, then is reported with its final status and forgotten; until then
 * (through DEPROVISIONING, when its containers have stopped but ECS still detaches its network
 * interface) the provider answers {@code releasing}, so the host keeps the API object.
 */
final class AwsProvider extends TrackingProvider<AwsProvider.TaskRecord> implements NodeProvider, NodeConfigurer,
        ContainerLogs {

    private static final Logger LOG = LoggerFactory.getLogger(AwsProvider.class);
    private static final int DESCRIBE_BATCH = 100;
    private static final Duration LOG_FOLLOW_INTERVAL = Duration.ofMillis(500);

    /** One pod and its task. Mutable fields are guarded by the record. */
    static final class TaskRecord extends TrackedPod {
        final String taskArn;
        final String taskDefinitionArn;
        Task task;
        /** The delay before this task's next follow-up describe while it starts; 0 when not followed. */
        long followUpMillis;
        /** When ({@link System#nanoTime()}) that follow-up is due. */
        long followUpAt;
        /** The trace context the task was started in, which the status loops' spans link to. */
        volatile String trace;

        TaskRecord(V1Pod pod, Task task) {
            super(pod);
            this.task = task;
            this.taskArn = task.taskArn();
            this.taskDefinitionArn = task.taskDefinitionArn();
        }

        synchronized boolean stopped() {
            return "STOPPED".equals(task.lastStatus());
        }

        /** Whether the task is still on its way to running (ECS' states before RUNNING). */
        synchronized boolean starting() {
            return !deleting && STARTING.contains(String.valueOf(task.lastStatus()));
        }
    }

    private static final Set<String> STARTING = Set.of("PROVISIONING", "PENDING", "ACTIVATING");
    /** A follow-up due this soon is taken with the ones due now, so nearby creates share a describe. */
    private static final long FOLLOW_UP_SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final ProviderContext context;
    private final AwsConfig config;
    private final Tracer tracer;
    private final AwsClients clients;
    private final EcsClient ecs;
    private final TaskDefinitions definitions;
    private final Optional<EcsEmulator> emulator;
    /** The process's listings of ECS clusters, which the nodes that start together share to adopt their tasks. */
    private final ClusterTasks clusterTasks;
    private final ClusterTasks.Key clusterKey;
    private final ScheduledExecutorService poller;
    /** Deregisters the task definitions of deleted pods, so a delete does not wait on that API's rate limit. */
    private final ExecutorService cleaner;
    /** Started tasks described soon after RunTask, then less often, until they run. */
    private final Set<TaskRecord> following = ConcurrentHashMap.newKeySet();

    AwsProvider(ProviderContext context, AwsConfig config, Tracer tracer, AwsClients clients,
            Optional<EcsEmulator> emulator, ClusterTasks clusterTasks, ClusterTasks.Key clusterKey) {
        this.context = Objects.requireNonNull(context, "context");
        this.config = Objects.requireNonNull(config, "config");
        this.tracer = Objects.requireNonNull(tracer, "tracer");
        this.clients = Objects.requireNonNull(clients, "clients");
        this.ecs = clients.ecs();
        this.definitions = new TaskDefinitions(config);
        this.emulator = emulator;
        this.clusterTasks = Objects.requireNonNull(clusterTasks, "clusterTasks");
        this.clusterKey = Objects.requireNonNull(clusterKey, "clusterKey");
        this.poller = Executors.newSingleThreadScheduledExecutor(
                DaemonThreads.factory("aws-provider-poll-" + context.nodeName(), AwsProvider.class));
        this.cleaner = Executors.newSingleThreadExecutor(
                DaemonThreads.factory("aws-provider-cleanup-" + context.nodeName(), AwsProvider.class));
        context.metrics().gauge("tasks", Map.of(), records::size);
    }

    /** Makes sure the cluster exists, adopts this node's tasks, and starts the status loop. */
    void start() {
        ensureCluster();
        int adopted = adopt();
        if (adopted > 0) {
            LOG.info("adopted {} ECS tasks of node {} in cluster {}", adopted, context.nodeName(), config.cluster());
        }
        long every = config.pollInterval().toMillis();
        poller.scheduleWithFixedDelay(this::pollSafely, every, every, TimeUnit.MILLISECONDS);
    }

    private void ensureCluster() {
        boolean active = ecs.describeClusters(b -> b.clusters(config.cluster())).clusters().stream()
                .anyMatch(c -> "ACTIVE".equals(c.status()));
        if (!active) {
            LOG.info("creating ECS cluster {}", config.cluster());
            ecs.createCluster(b -> b.clusterName(config.cluster()));
        }
    }

    // ---- adoption

    private int adopt() {
        Map<String, Task> newest = new HashMap<>();
        Map<String, Map<String, String>> tagsByKey = new HashMap<>();
        for (Task task : clusterTasks.of(clusterKey, context.nodeName(), ecs)) {
            Map<String, String> tags = new HashMap<>();
            for (Tag tag : task.tags()) {
                tags.put(tag.key(), tag.value());
            }
            if (tags.get(PodTags.POD) == null) {
                continue;
            }
            String key = TrackedPod.key(tags.get(PodTags.NAMESPACE), tags.get(PodTags.POD));
            Task known = newest.get(key);
            if (known == null || task.createdAt().isAfter(known.createdAt())) {
                newest.put(key, task);
                tagsByKey.put(key, tags);
            }
        }
        newest.forEach((key, task) -> {
            Map<String, String> tags = tagsByKey.get(key);
            List<V1Container> containers = task.containers().stream()
                    .map(c -> new V1Container().name(c.name()).image(c.image())).toList();
            V1Pod pod = new V1Pod().metadata(new V1ObjectMeta().namespace(tags.get(PodTags.NAMESPACE))
                            .name(tags.get(PodTags.POD)).uid(tags.get(PodTags.UID)))
                    .spec(new V1PodSpec().overhead(null).containers(new ArrayList<>(containers)));
            TaskRecord record = new TaskRecord(pod, task);
            record.status = TaskStatuses.podStatus(task, pod, context.internalIp());
            records.put(record);
        });
        return newest.size();
    }

    // ---- lifecycle

    @Override
    public void createPod(V1Pod pod) {
        String key = TrackedPod.key(pod);
        try (Span span = tracer.startSpan("aws.createPod", Granularity.NORMAL)) {
            span.attribute("pod", key);
            TaskRecord existing = records.get(pod).orElse(null);
            if (existing != null) {
                if (Objects.equals(existing.pod.getMetadata().getUid(), pod.getMetadata().getUid())) {
                    return;
                }
                LOG.info("pod {} was recreated (uid {}); stopping the task of the old one", key,
                        existing.pod.getMetadata().getUid());
                stopTask(existing, "pod recreated");
                records.remove(existing);
                cleaner.execute(() -> deregisterQuietly(existing.taskDefinitionArn));
            }
            String definitionArn = refusedAsInvalid("RegisterTaskDefinition", () ->
                    ecs.registerTaskDefinition(definitions.register(pod)).taskDefinition().taskDefinitionArn());
            RunTaskResponse run;
            try {
                run = refusedAsInvalid("RunTask", () ->
                        ecs.runTask(definitions.run(pod, definitionArn, context.nodeName())));
            } catch (RuntimeException e) {
                deregisterQuietly(definitionArn);
                throw e;
            }
            if (run.tasks().isEmpty()) {
                deregisterQuietly(definitionArn);
                String reasons = run.failures().stream()
                        .map(f -> f.reason() + (f.detail() == null ? "" : " (" + f.detail() + ")"))
                        .reduce((a, b) -> a + "; " + b).orElse("no task and no failure");
                span.setStatus(SpanStatus.UNAVAILABLE, reasons);
                throw new RetriableException("ECS RunTask for pod " + key + " started no task: " + reasons);
            }
            Task task = run.tasks().get(0);
            if (!definitionArn.equals(task.taskDefinitionArn())) {
                // a retried create: the client token returned the task an earlier call started
                deregisterQuietly(definitionArn);
            }
            span.attribute("taskArn", task.taskArn());
            TaskRecord record = new TaskRecord(TrackedPod.copy(pod), task);
            record.trace = tracer.currentContext().orElse(null);
            record.status = TaskStatuses.podStatus(task, pod, context.internalIp());
            records.put(record);
            context.metrics().increment("tasks.started", Map.of());
            notifyHost(record);
            followUp(record);
        }
    }

    /** Runs an SDK call; a 4xx other than throttling means the request can never succeed. */
    private static <T> T refusedAsInvalid(String operation, java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (AwsServiceException e) {
            if (e.statusCode() >= 400 && e.statusCode() < 500 && !e.isThrottlingException()) {
                throw new InvalidInputException("ECS refused " + operation + ": "
                        + e.awsErrorDetails().errorCode() + ": " + e.awsErrorDetails().errorMessage(), e);
            }
            throw e;
        }
    }

    private void deregisterQuietly(String definitionArn) {
        try {
            ecs.deregisterTaskDefinition(b -> b.taskDefinition(definitionArn));
        } catch (RuntimeException e) {
            context.metrics().increment("deregister.failures", Map.of());
            LOG.warn("cannot deregister task definition {} (it stays ACTIVE; deregister it by hand): {}",
                    definitionArn, e.getMessage());
        }
    }

    @Override
    public void updatePod(V1Pod pod) {
        TaskRecord record = records.get(pod).orElseThrow(() ->
                new NotFoundException("aws provider has no pod " + TrackedPod.key(pod)));
        synchronized (record) {
            if (!containerImages(record.pod).equals(containerImages(pod))) {
                throw new InvalidInputException("ECS cannot change the containers of a running task: delete pod "
                        + TrackedPod.key(pod) + " to run " + containerImages(pod));
            }
            V1Pod updated = TrackedPod.copy(pod);
            updated.setStatus(null);
            record.pod = updated;
        }
    }

    private static List<String> containerImages(V1Pod pod) {
        return pod.getSpec().getContainers().stream().map(c -> c.getName() + "=" + c.getImage()).toList();
    }

    @Override
    public void deletePod(V1Pod pod) {
        String key = TrackedPod.key(pod);
        TaskRecord record = records.get(pod).orElseThrow(() ->
                new NotFoundException("aws provider has no pod " + key));
        try (Span span = tracer.startSpan("aws.deletePod", Granularity.NORMAL)) {
            span.attribute("pod", key).attribute("taskArn", record.taskArn);
            synchronized (record) {
                if (record.deleting) {
                    return;
                }
                record.deleting = true;
            }
            try {
                stopTask(record, "deleted by virtual-kubelet node " + context.nodeName());
            } catch (RuntimeException e) {
                synchronized (record) {
                    record.deleting = false;
                }
                throw e;
            }
            cleaner.execute(() -> deregisterQuietly(record.taskDefinitionArn));
            if (record.stopped() && records.remove(record)) {
                notifyHost(record);
            }
        }
    }

    /** StopTask; a task ECS no longer knows counts as stopped. */
    private void stopTask(TaskRecord record, String reason) {
        try {
            ecs.stopTask(b -> b.cluster(config.cluster()).task(record.taskArn).reason(reason));
        } catch (InvalidParameterException gone) {
            LOG.debug("task {} is already gone: {}", record.taskArn, gone.getMessage());
        }
    }

    // ---- status

    private void pollSafely() {
        try {
            poll();
        } catch (RuntimeException e) {
            context.metrics().increment("poll.failures", Map.of());
            LOG.warn("polling ECS task status failed (next try in {} ms): {}", config.pollInterval().toMillis(),
                    e.getMessage());
        }
    }

    /** Describes every task, 100 per call, and reports the pods whose status changed. */
    void poll() {
        List<TaskRecord> active = records.all();
        if (active.isEmpty()) {
            return;
        }
        describePass("aws.pollTasks", "polls", active);
    }

    /** Describes {@code tasks} in a span named {@code spanName}, counted by the counter {@code pass}. */
    private void describePass(String spanName, String pass, List<TaskRecord> tasks) {
        try (Span span = tracer.startSpan(spanName, Granularity.FINE)) {
            span.attribute("tasks", tasks.size());
            context.metrics().increment(pass, Map.of());
            describe(tasks, span);
        }
    }

    /** Describes {@code tasks}; {@code span} links to the trace of each pod whose status changed. */
    private void describe(List<TaskRecord> tasks, Span span) {
        Map<String, TaskRecord> byArn = new LinkedHashMap<>();
        tasks.forEach(r -> byArn.put(r.taskArn, r));
        List<String> arns = new ArrayList<>(byArn.keySet());
        for (int i = 0; i < arns.size(); i += DESCRIBE_BATCH) {
            List<String> batch = arns.subList(i, Math.min(arns.size(), i + DESCRIBE_BATCH));
            DescribeTasksResponse response = ecs.describeTasks(b -> b.cluster(config.cluster()).tasks(batch));
            for (Task task : response.tasks()) {
                TaskRecord record = byArn.get(task.taskArn());
                if (record != null && apply(record, task) && record.trace != null) {
                    span.link(record.trace);
                }
            }
            for (Failure failure : response.failures()) {
                TaskRecord record = byArn.get(failure.arn());
                if (record != null && "MISSING".equals(failure.reason())) {
                    missing(record);
                }
            }
        }
    }

    /**
     * Follows a task that RunTask just started: it is described after {@code pendingPollInterval},
     * then after twice that, and so on, until it runs (or stops) or the delay reaches
     * {@code pollInterval}, where the regular loop has it anyway. So a pod is reported running soon
     * after its task is, not up to a whole poll interval later. Follow-ups due within 50 ms of each
     * other share one {@code DescribeTasks} (100 tasks a call).
     */
    private void followUp(TaskRecord record) {
        long first = config.pendingPollInterval().toMillis();
        if (first == 0 || first >= config.pollInterval().toMillis() || !record.starting()) {
            return;
        }
        synchronized (record) {
            record.followUpMillis = first;
            record.followUpAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(first);
        }
        following.add(record);
        poller.schedule(this::followUpSafely, first, TimeUnit.MILLISECONDS);
    }

    private void followUpSafely() {
        try {
            followUpDue();
        } catch (RuntimeException e) {
            context.metrics().increment("poll.failures", Map.of());
            LOG.debug("describing starting ECS tasks failed (the regular poll has them): {}", e.getMessage());
        }
    }

    /** Describes the followed tasks whose follow-up is due, and schedules the next ones. */
    void followUpDue() {
        long now = System.nanoTime();
        List<TaskRecord> due = new ArrayList<>();
        for (TaskRecord record : following) {
            synchronized (record) {
                if (record.followUpAt - now <= FOLLOW_UP_SLACK_NANOS) {
                    due.add(record);
                }
            }
        }
        if (due.isEmpty()) {
            return;
        }
        try {
            describePass("aws.followUpTasks", "follow.ups", due);
        } finally {
            long max = config.pollInterval().toMillis();
            for (TaskRecord record : due) {
                long next;
                synchronized (record) {
                    next = Math.min(record.followUpMillis * 2, max);
                    record.followUpMillis = next;
                    record.followUpAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(next);
                }
                if (next >= max || !record.starting() || !records.current(record)) {
                    following.remove(record);
                } else {
                    poller.schedule(this::followUpSafely, next, TimeUnit.MILLISECONDS);
                }
            }
        }
    }

    /** Takes in what ECS says of the task; returns whether the pod's status changed (and was reported). */
    private boolean apply(TaskRecord record, Task task) {
        V1PodStatus status;
        boolean changed;
        boolean gone;
        synchronized (record) {
            status = TaskStatuses.podStatus(task, record.pod, context.internalIp());
            record.task = task;
            changed = !status.equals(record.status);
            record.status = status;
            gone = record.deleting && record.stopped();
        }
        if (gone && !records.remove(record)) {
            return false;
        }
        if (changed || gone) {
            notifyHost(record);
            return true;
        }
        return false;
    }

    /** ECS forgot the task: a deleted pod is done; any other pod failed. */
    private void missing(TaskRecord record) {
        synchronized (record) {
            if (!record.deleting && record.status != null && "TaskMissing".equals(record.status.getReason())) {
                return; // reported already
            }
            V1PodStatus status = record.status == null ? new V1PodStatus() : record.status;
            OffsetDateTime now = OffsetDateTime.ofInstant(Instant.now(), ZoneOffset.UTC);
            if (status.getContainerStatuses() != null) {
                for (V1ContainerStatus c : status.getContainerStatuses()) {
                    if (c.getState() == null || c.getState().getTerminated() == null) {
                        c.ready(false).started(false).state(new V1ContainerState().terminated(
                                new V1ContainerStateTerminated().exitCode(record.deleting ? 0 : 128)
                                        .reason("TaskMissing").startedAt(now).finishedAt(now)));
                    }
                }
            }
            if (!record.deleting) {
                status.phase("Failed").reason("TaskMissing").message("ECS no longer knows task " + record.taskArn);
            }
            record.status = status;
        }
        if (record.deleting) {
            records.remove(record);
        }
        notifyHost(record);
    }

    private void notifyHost(TaskRecord record) {
        records.report(record);
    }

    // ---- node

    @Override
    public void ping() {
        boolean active = ecs.describeClusters(b -> b.clusters(config.cluster())).clusters().stream()
                .anyMatch(c -> "ACTIVE".equals(c.status()));
        if (!active) {
            throw new ProviderException("ECS cluster " + config.cluster() + " is not ACTIVE");
        }
    }

    @Override
    public void notifyNodeStatus(Consumer<V1Node> onNodeChanged) {
        // capacity is configured, not discovered: nothing changes by itself
    }

    @Override
    public void configureNode(V1Node node) {
        CloudNode.configure(node, config.capacity(), context.internalIp(), context.operatingSystem(), config.region(),
                "ECS cluster " + config.cluster() + " in " + config.region()
                        + (config.embedded() ? " (embedded emulator)" : ""), "Fargate sizes each task");
    }

    // ---- logs

    @Override
    public InputStream getContainerLogs(String namespace, String podName, String containerName, LogOptions options) {
        String key = TrackedPod.key(namespace, podName);
        TaskRecord record = records.get(namespace, podName).orElseThrow(() ->
                new NotFoundException("aws provider has no pod " + key));
        if (record.pod.getSpec().getContainers().stream().noneMatch(c -> containerName.equals(c.getName()))) {
            throw new NotFoundException("pod " + key + " has no container " + containerName);
        }
        String group = config.logGroup().orElseThrow(() -> new InvalidInputException(
                "the aws provider has no logGroup configured, so tasks have no CloudWatch logs"));
        String stream = TaskDefinitions.logStream(containerName, TaskStatuses.taskId(record.taskArn));
        return new TaskLogs(clients.logs(), group, stream, options, Instant.now(), LOG_FOLLOW_INTERVAL,
                () -> record.stopped() || !records.current(record));
    }

    @Override
    public void close() {
        poller.shutdownNow();
        cleaner.shutdown();
        try {
            if (!cleaner.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("closing with task definitions still to deregister");
                cleaner.shutdownNow();
            }
        } catch (InterruptedException e) {
            cleaner.shutdownNow();
            Thread.currentThread().interrupt();
        }
        clients.close();
        emulator.ifPresent(EcsEmulator::close);
    }
}
