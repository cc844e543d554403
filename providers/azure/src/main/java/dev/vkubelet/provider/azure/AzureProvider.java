package dev.vkubelet.provider.azure;

import static dev.vkubelet.provider.cloudkit.TrackedPod.copy;
import static dev.vkubelet.provider.cloudkit.TrackedPod.key;

import com.azure.core.http.rest.Response;
import com.azure.core.management.exception.ManagementException;
import com.azure.core.management.polling.PollResult;
import com.azure.core.util.polling.LongRunningOperationStatus;
import com.azure.core.util.polling.PollResponse;
import com.azure.core.util.polling.SyncPoller;
import com.azure.resourcemanager.containerinstance.fluent.models.ContainerGroupInner;
import com.azure.resourcemanager.containerinstance.models.Container;
import com.azure.resourcemanager.containerinstance.models.ContainerExecRequest;
import com.azure.resourcemanager.containerinstance.models.ContainerExecRequestTerminalSize;
import com.azure.resourcemanager.containerinstance.models.Event;
import dev.vkubelet.provider.AttachIO;
import dev.vkubelet.provider.ContainerExec;
import dev.vkubelet.provider.ContainerLogs;
import dev.vkubelet.provider.InvalidInputException;
import dev.vkubelet.provider.LogOptions;
import dev.vkubelet.provider.NodeConfigurer;
import dev.vkubelet.provider.NodeProvider;
import dev.vkubelet.provider.NotFoundException;
import dev.vkubelet.provider.PodEventSource;
import dev.vkubelet.provider.ProviderContext;
import dev.vkubelet.provider.ProviderException;
import dev.vkubelet.provider.TerminalSize;
import dev.vkubelet.provider.azure.aci.ArmClient;
import dev.vkubelet.provider.azure.aci.CallStats;
import dev.vkubelet.provider.azure.aci.GroupMapping;
import dev.vkubelet.provider.azure.aci.GroupStatuses;
import dev.vkubelet.provider.azure.config.AzureConfig;
import dev.vkubelet.provider.azure.emulator.ArmEmulator;
import dev.vkubelet.provider.cloudkit.CloudNode;
import dev.vkubelet.provider.cloudkit.DaemonThreads;
import dev.vkubelet.provider.cloudkit.JoinedListings;
import dev.vkubelet.provider.cloudkit.TrackedPod;
import dev.vkubelet.provider.cloudkit.TrackingProvider;
import dev.vkubelet.tracing.Granularity;
import dev.vkubelet.tracing.Span;
import dev.vkubelet.tracing.SpanStatus;
import dev.vkubelet.tracing.Tracer;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerState;
import io.kubernetes.client.openapi.models.V1ContainerStateTerminated;
import io.kubernetes.client.openapi.models.V1ContainerStateWaiting;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pods as ACI container groups. One record per pod; creates and deletes are long-running
 * operations followed in the background; a tracker GETs every group each poll interval and pushes
 * status changes and new ACI events to the host; a cleanup pass deletes groups of this node that
 * no pod owns. A deleted pod's record lives until its delete operation completes: while the group
 * is {@code Deleting} (containers shown terminated, its address still held) the provider answers
 * {@code releasing}, so the host keeps the API object.
 */
final class AzureProvider extends TrackingProvider<AzureProvider.GroupRecord> implements PodEventSource, NodeProvider,
        NodeConfigurer, ContainerLogs, ContainerExec {

    private static final Logger LOG = LoggerFactory.getLogger(AzureProvider.class);
    private static final int CLEANUP_EVERY_POLLS = 12;

    /** One pod and its group. Mutable fields are guarded by the record. */
    static final class GroupRecord extends TrackedPod {
        final String groupName;
        ContainerGroupInner group;
        boolean gone;
        final Map<String, Integer> eventCounts = new HashMap<>();
        /** The trace context the group was created in, which the tracker's spans link to. */
        volatile String trace;

        GroupRecord(String groupName, V1Pod pod) {
            super(pod);
            this.groupName = groupName;
        }
    }

    private final ProviderContext context;
    private final AzureConfig config;
    private final Tracer tracer;
    private final ArmClient arm;
    private final GroupMapping mapping;
    private final Optional<ArmEmulator> emulator;
    /** The process's listings of resource groups, which its nodes share (ACI cannot list a node's groups alone). */
    private final JoinedListings<AzureProviderFactory.GroupListingKey, List<ContainerGroupInner>> groupListings;
    private final AzureProviderFactory.GroupListingKey groupListingKey;
    private final ScheduledExecutorService scheduler;
    private volatile PodEvents events = (ns, name, type, reason, message) -> {};
    private long passes;

    AzureProvider(ProviderContext context, AzureConfig config, Tracer tracer, ArmClient arm,
            Optional<ArmEmulator> emulator,
            JoinedListings<AzureProviderFactory.GroupListingKey, List<ContainerGroupInner>> groupListings,
            AzureProviderFactory.GroupListingKey groupListingKey) {
        this.context = Objects.requireNonNull(context, "context");
        this.config = Objects.requireNonNull(config, "config");
        this.tracer = Objects.requireNonNull(tracer, "tracer");
        this.arm = Objects.requireNonNull(arm, "arm");
        this.mapping = new GroupMapping(config);
        this.emulator = emulator;
        this.groupListings = Objects.requireNonNull(groupListings, "groupListings");
        this.groupListingKey = Objects.requireNonNull(groupListingKey, "groupListingKey");
        this.scheduler = Executors.newScheduledThreadPool(2,
                DaemonThreads.factory("azure-provider-" + context.nodeName(), AzureProvider.class));
        context.metrics().gauge("groups", Map.of(), records::size);
    }

    /** Adopts this node's groups and starts the tracker. */
    void start() {
        int adopted = adopt();
        if (adopted > 0) {
            LOG.info("adopted {} container groups of node {} in {}", adopted, context.nodeName(),
                    config.resourceGroup());
        }
        long every = config.pollInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::trackSafely, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Runs one SDK call inside a span {@code client.<name>} with its attempts, status and 429s; its
     * requests carry that span's trace context (or its parent's, when it is too fine to record).
     */
    private <T> T call(String name, Granularity detail,
            java.util.function.Function<com.azure.core.util.Context, T> body) {
        CallStats stats = new CallStats();
        try (Span span = tracer.startSpan("client." + name, detail)) {
            tracer.inject(stats::traceHeader);
            try {
                return body.apply(ArmClient.context(stats));
            } catch (ManagementException e) {
                span.recordFailure(e.getResponse() != null && e.getResponse().getStatusCode() == 429
                        ? SpanStatus.UNAVAILABLE : SpanStatus.UNKNOWN, e);
                throw e;
            } finally {
                span.attribute("attempts", stats.attempts()).attribute("http.status", stats.lastStatus())
                        .attribute("throttled", stats.throttles());
            }
        }
    }

    private static int status(ManagementException e) {
        return e.getResponse() == null ? 0 : e.getResponse().getStatusCode();
    }

    private static String describe(ManagementException e) {
        return e.getValue() == null ? e.getMessage() : e.getValue().getCode() + ": " + e.getValue().getMessage();
    }

    // ---- adoption and cleanup

    /**
     * This node's container groups, from a listing of the resource group that began after this call,
     * shared with the other nodes of the process that ask at the same time.
     */
    private List<ContainerGroupInner> ourGroups() {
        List<ContainerGroupInner> all = groupListings.next(groupListingKey,
                () -> call("ListContainerGroups", Granularity.NORMAL, ctx -> {
                    List<ContainerGroupInner> listed = new ArrayList<>();
                    arm.groups().listByResourceGroup(config.resourceGroup(), ctx).forEach(listed::add);
                    return listed;
                }));
        List<ContainerGroupInner> ours = new ArrayList<>();
        for (ContainerGroupInner g : all) {
            if (g.tags() != null && context.nodeName().equals(g.tags().get(GroupMapping.TAG_NODE))) {
                ours.add(g);
            }
        }
        return ours;
    }

    private int adopt() {
        int adopted = 0;
        for (ContainerGroupInner listed : ourGroups()) {
            Map<String, String> tags = listed.tags();
            if (tags.get(GroupMapping.TAG_POD) == null || tags.get(GroupMapping.TAG_NAMESPACE) == null) {
                continue;
            }
            ContainerGroupInner group = call("GetContainerGroup", Granularity.NORMAL,
                    ctx -> arm.groups().getByResourceGroupWithResponse(config.resourceGroup(), listed.name(), ctx)
                            .getValue());
            List<V1Container> containers = new ArrayList<>();
            for (Container c : group.containers()) {
                containers.add(new V1Container().name(c.name()).image(c.image()));
            }
            OffsetDateTime created = null;
            try {
                created = tags.get(GroupMapping.TAG_CREATED) == null ? null
                        : OffsetDateTime.parse(tags.get(GroupMapping.TAG_CREATED));
            } catch (RuntimeException e) {
                // a hand-edited tag: no creation time
            }
            V1Pod pod = new V1Pod().metadata(new V1ObjectMeta().namespace(tags.get(GroupMapping.TAG_NAMESPACE))
                            .name(tags.get(GroupMapping.TAG_POD)).uid(tags.get(GroupMapping.TAG_UID))
                            .creationTimestamp(created))
                    .spec(new V1PodSpec().overhead(null).containers(containers));
            GroupRecord record = new GroupRecord(group.name(), pod);
            record.group = group;
            record.status = GroupStatuses.podStatus(group, pod, context.internalIp());
            rememberEvents(record, group, false);
            records.put(record);
            adopted++;
        }
        return adopted;
    }

    /** Deletes groups of this node that no pod owns (a crash between PUT and record, a lost delete). */
    private void cleanupDangling() {
        try (Span span = tracer.startSpan("PodsTracker.cleanupDanglingPods", Granularity.FINE)) {
            int deleted = 0;
            for (ContainerGroupInner g : ourGroups()) {
                boolean owned = records.all().stream().anyMatch(r -> r.groupName.equals(g.name()));
                if (!owned && !"Deleting".equals(g.provisioningState())) {
                    LOG.info("deleting container group {}: no pod of node {} owns it", g.name(), context.nodeName());
                    call("DeleteContainerGroup", Granularity.NORMAL,
                            ctx -> arm.groups().beginDelete(config.resourceGroup(), g.name(), ctx));
                    deleted++;
                }
            }
            span.attribute("deleted", deleted);
        }
    }

    // ---- lifecycle

    @Override
    public void createPod(V1Pod pod) {
        String key = key(pod);
        try (Span span = tracer.startSpan("aci.CreatePod", Granularity.NORMAL)) {
            span.attribute("pod", key);
            GroupRecord existing = records.get(pod).orElse(null);
            if (existing != null) {
                if (Objects.equals(existing.pod.getMetadata().getUid(), pod.getMetadata().getUid())) {
                    return;
                }
                LOG.info("pod {} was recreated; deleting the group of the old one", key);
                deleteGroup(existing);
                records.remove(existing);
            }
            String name = GroupMapping.groupName(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
            ContainerGroupInner group = mapping.group(pod, context.nodeName());
            GroupRecord record = new GroupRecord(name, copy(pod));
            record.trace = tracer.currentContext().orElse(null);
            record.status = pendingStatus(pod);
            records.put(record);
            SyncPoller<PollResult<ContainerGroupInner>, ContainerGroupInner> operation;
            try {
                operation = call("CreateContainerGroup", Granularity.NORMAL,
                        ctx -> arm.groups().beginCreateOrUpdate(config.resourceGroup(), name, group, ctx));
            } catch (ManagementException e) {
                records.remove(record);
                int code = status(e);
                if (code >= 400 && code < 500 && code != 429 && code != 409) {
                    throw new InvalidInputException("ACI refused container group " + name + ": " + describe(e), e);
                }
                throw new ProviderException("creating container group " + name + " failed: " + describe(e), e);
            } catch (RuntimeException e) {
                records.remove(record);
                throw e;
            }
            span.attribute("containerGroup", name);
            context.metrics().increment("group.creates", Map.of());
            notifyHost(record);
            follow(record, operation, "CreateContainerGroup", response -> {
                if (response.getStatus() == LongRunningOperationStatus.FAILED) {
                    LOG.warn("provisioning container group {} failed", name);
                    context.metrics().increment("provisioning.failures", Map.of());
                    trackOne(record);
                }
            });
            scheduleFollowUp(record, config.pendingPollInterval().toMillis());
        }
    }

    private V1PodStatus pendingStatus(V1Pod pod) {
        List<V1ContainerStatus> containers = new ArrayList<>();
        for (V1Container c : pod.getSpec().getContainers()) {
            containers.add(new V1ContainerStatus().name(c.getName()).image(c.getImage()).imageID("").ready(false)
                    .restartCount(0).started(false).state(new V1ContainerState().waiting(
                            new V1ContainerStateWaiting().reason("Creating")
                                    .message("the container group is being created"))));
        }
        return new V1PodStatus().phase("Pending").hostIP(context.internalIp()).containerStatuses(containers);
    }

    /**
     * Follows a long-running operation one poll at a time on the scheduler, waiting what the
     * service asks ({@code Retry-After}) between polls, then hands the last response on.
     */
    private <T, U> void follow(GroupRecord record, SyncPoller<PollResult<T>, U> operation, String what,
            Consumer<PollResponse<PollResult<T>>> done) {
        scheduler.execute(new Runnable() {
            @Override
            public void run() {
                PollResponse<PollResult<T>> response;
                try {
                    response = call("PollOperation", Granularity.FINE, ctx -> operation.poll());
                } catch (RuntimeException e) {
                    LOG.debug("polling {} of {} failed (the tracker carries on): {}", what, record.groupName,
                            e.getMessage());
                    return;
                }
                if (response.getStatus().isComplete()) {
                    done.accept(response);
                    return;
                }
                Duration wait = response.getRetryAfter() == null ? config.pollInterval() : response.getRetryAfter();
                scheduler.schedule(this, Math.max(10, wait.toMillis()), TimeUnit.MILLISECONDS);
            }
        });
    }

    /**
     * Reads a group just created after {@code delayMillis}, and again after twice that and so on
     * while its pod is still pending, until the delay reaches {@code pollInterval}, where the tracker
     * has it anyway: a pod is reported running soon after its containers run, not up to a whole poll
     * interval later. Independent of the creation's long-running operation, whose polls follow the
     * service's {@code Retry-After} (a second or more).
     */
    private void scheduleFollowUp(GroupRecord record, long delayMillis) {
        if (delayMillis == 0 || delayMillis >= config.pollInterval().toMillis()) {
            return;
        }
        scheduler.schedule(() -> followUp(record, delayMillis), delayMillis, TimeUnit.MILLISECONDS);
    }

    private void followUp(GroupRecord record, long delayMillis) {
        synchronized (record) {
            if (record.gone || record.deleting || record.status == null || !"Pending".equals(record.status.getPhase())) {
                return;
            }
        }
        try (Span span = tracer.startSpan("PodsTracker.followUp", Granularity.FINE)) {
            span.attribute("containerGroup", record.groupName);
            if (record.trace != null) {
                span.link(record.trace);
            }
            context.metrics().increment("follow.ups", Map.of());
            trackOne(record);
        } catch (RuntimeException e) {
            LOG.debug("reading container group {} failed (the tracker carries on): {}", record.groupName, e.getMessage());
        }
        scheduleFollowUp(record, delayMillis * 2);
    }

    @Override
    public void updatePod(V1Pod pod) {
        GroupRecord record = records.get(pod).orElseThrow(() ->
                new NotFoundException("azure provider has no pod " + key(pod)));
        synchronized (record) {
            if (!images(record.pod).equals(images(pod))) {
                throw new InvalidInputException("a running container group's containers are not changed in place: "
                        + "delete pod " + key(pod) + " to run " + images(pod));
            }
            V1Pod updated = copy(pod);
            updated.setStatus(null);
            record.pod = updated;
        }
    }

    private static List<String> images(V1Pod pod) {
        return pod.getSpec().getContainers().stream().map(c -> c.getName() + "=" + c.getImage()).toList();
    }

    @Override
    public void deletePod(V1Pod pod) {
        String key = key(pod);
        GroupRecord record = records.get(pod).orElseThrow(() ->
                new NotFoundException("azure provider has no pod " + key));
        try (Span span = tracer.startSpan("aci.DeletePod", Granularity.NORMAL)) {
            span.attribute("pod", key).attribute("containerGroup", record.groupName);
            synchronized (record) {
                if (record.deleting) {
                    return;
                }
                record.deleting = true;
            }
            try {
                deleteGroup(record);
            } catch (RuntimeException e) {
                synchronized (record) {
                    record.deleting = false;
                }
                throw e;
            }
        }
    }

    /** Starts deleting the record's group and follows the operation; a group already gone is done. */
    private void deleteGroup(GroupRecord record) {
        SyncPoller<PollResult<ContainerGroupInner>, ContainerGroupInner> operation;
        try {
            operation = call("DeleteContainerGroup", Granularity.NORMAL,
                    ctx -> arm.groups().beginDelete(config.resourceGroup(), record.groupName, ctx));
        } catch (ManagementException e) {
            if (status(e) == 404) {
                gone(record);
                return;
            }
            throw new ProviderException("deleting container group " + record.groupName + " failed: " + describe(e), e);
        }
        follow(record, operation, "DeleteContainerGroup", response -> {
            if (response.getStatus() == LongRunningOperationStatus.SUCCESSFULLY_COMPLETED) {
                gone(record);
            }
        });
    }

    /**
     * The group no longer exists: the pod is reported with every container terminated; a pod being
     * deleted is then forgotten, any other one stays, Failed, until the host deletes it.
     */
    private void gone(GroupRecord record) {
        boolean report;
        synchronized (record) {
            report = !record.gone;
            if (!record.gone) {
                record.gone = true;
                OffsetDateTime now = OffsetDateTime.ofInstant(Instant.now(), ZoneOffset.UTC);
                V1PodStatus status = record.status == null ? pendingStatus(record.pod) : record.status;
                for (V1ContainerStatus c : status.getContainerStatuses()) {
                    if (c.getState() == null || c.getState().getTerminated() == null) {
                        c.ready(false).started(false).state(new V1ContainerState().terminated(
                                new V1ContainerStateTerminated().exitCode(0).reason("ContainerGroupDeleted")
                                        .startedAt(c.getState() != null && c.getState().getRunning() != null
                                                ? c.getState().getRunning().getStartedAt() : now)
                                        .finishedAt(now)));
                    }
                }
                if (!record.deleting) {
                    status.phase("Failed").reason("ContainerGroupMissing")
                            .message("container group " + record.groupName + " no longer exists");
                }
                record.status = status;
            }
        }
        if (record.deleting && records.remove(record)) {
            report = true;
        }
        if (report) {
            notifyHost(record);
        }
    }

    // ---- tracker

    private void trackSafely() {
        try {
            track();
        } catch (RuntimeException e) {
            context.metrics().increment("tracker.failures", Map.of());
            LOG.warn("tracking container groups failed (next pass in {} ms): {}", config.pollInterval().toMillis(),
                    e.getMessage());
        }
    }

    /** One tracker pass: GET every group, report changes and new events; now and then, clean up. */
    void track() {
        List<GroupRecord> active = records.all();
        try (Span span = tracer.startSpan("PodsTracker.updatePods", Granularity.FINE)) {
            span.attribute("groups", active.size());
            context.metrics().increment("polls", Map.of());
            for (GroupRecord record : active) {
                if (trackOne(record) && record.trace != null) {
                    span.link(record.trace);
                }
            }
        }
        if (++passes % CLEANUP_EVERY_POLLS == 0) {
            cleanupDangling();
        }
    }

    /** Reads the group and reports its pod if its status changed; returns whether it did. */
    private boolean trackOne(GroupRecord record) {
        synchronized (record) {
            if (record.gone) {
                return false;
            }
        }
        ContainerGroupInner group;
        try {
            Response<ContainerGroupInner> response = call("GetContainerGroup", Granularity.NORMAL,
                    ctx -> arm.groups().getByResourceGroupWithResponse(config.resourceGroup(), record.groupName, ctx));
            group = response.getValue();
        } catch (ManagementException e) {
            if (status(e) == 404) {
                boolean recent;
                synchronized (record) {
                    recent = record.group == null && !record.deleting;
                }
                if (!recent) {
                    gone(record);
                }
                return false;
            }
            throw e;
        }
        V1PodStatus status;
        boolean changed;
        synchronized (record) {
            if (record.gone) {
                return false;
            }
            record.group = group;
            status = GroupStatuses.podStatus(group, record.pod, context.internalIp());
            changed = !status.equals(record.status);
            record.status = status;
        }
        rememberEvents(record, group, true);
        if (changed) {
            notifyHost(record);
        }
        return changed;
    }

    /** Sends the group's and its containers' events the host has not had yet. */
    private void rememberEvents(GroupRecord record, ContainerGroupInner group, boolean send) {
        List<String[]> fresh = new ArrayList<>();
        synchronized (record) {
            List<Event> all = new ArrayList<>();
            if (group.instanceView() != null && group.instanceView().events() != null) {
                all.addAll(group.instanceView().events());
            }
            for (Container c : group.containers()) {
                if (c.instanceView() != null && c.instanceView().events() != null) {
                    for (Event e : c.instanceView().events()) {
                        String id = c.name() + "|" + e.name() + "|" + e.firstTimestamp();
                        int count = e.count() == null ? 1 : e.count();
                        Integer seen = record.eventCounts.put(id, count);
                        if (seen == null || seen < count) {
                            fresh.add(new String[] {e.type(), e.name(), "container " + c.name() + ": " + e.message()});
                        }
                    }
                }
            }
            for (Event e : all) {
                String id = "|" + e.name() + "|" + e.firstTimestamp();
                int count = e.count() == null ? 1 : e.count();
                Integer seen = record.eventCounts.put(id, count);
                if (seen == null || seen < count) {
                    fresh.add(new String[] {e.type(), e.name(), e.message()});
                }
            }
        }
        if (send) {
            for (String[] e : fresh) {
                events.record(record.pod.getMetadata().getNamespace(), record.pod.getMetadata().getName(),
                        "Warning".equals(e[0]) ? "Warning" : "Normal", e[1], e[2]);
                context.metrics().increment("events", Map.of());
            }
        }
    }

    private void notifyHost(GroupRecord record) {
        records.report(record);
    }

    @Override
    public void eventsTo(PodEvents sink) {
        this.events = Objects.requireNonNull(sink, "events");
    }

    // ---- node

    @Override
    public void ping() {
        call("ListContainerGroups", Granularity.FINE, ctx -> {
            arm.groups().listByResourceGroup(config.resourceGroup(), ctx).iterableByPage().iterator().next();
            return null;
        });
    }

    @Override
    public void notifyNodeStatus(Consumer<V1Node> onNodeChanged) {
        // capacity is configured, not discovered: nothing changes by itself
    }

    @Override
    public void configureNode(V1Node node) {
        CloudNode.configure(node, config.capacity(), context.internalIp(), config.osType().toLowerCase(),
                config.region(), "resource group " + config.resourceGroup() + " in " + config.region()
                        + (config.embedded() ? " (embedded emulator)" : ""), "ACI sizes each container group");
    }

    // ---- logs and exec

    private GroupRecord target(String namespace, String podName, String containerName) {
        GroupRecord record = records.get(namespace, podName).orElseThrow(() ->
                new NotFoundException("azure provider has no pod " + key(namespace, podName)));
        if (record.pod.getSpec().getContainers().stream().noneMatch(c -> containerName.equals(c.getName()))) {
            throw new NotFoundException("pod " + key(namespace, podName) + " has no container " + containerName);
        }
        return record;
    }

    @Override
    public InputStream getContainerLogs(String namespace, String podName, String containerName, LogOptions options) {
        GroupRecord record = target(namespace, podName, containerName);
        try (Span span = tracer.startSpan("aci.GetContainerLogs", Granularity.NORMAL)) {
            span.attribute("pod", key(namespace, podName)).attribute("container", containerName);
            Supplier<String> fetch = () -> call("ListLogs", Granularity.NORMAL, ctx -> arm.containers()
                    .listLogsWithResponse(config.resourceGroup(), record.groupName, containerName, null, true, ctx)
                    .getValue().content());
            return new GroupLogs(fetch, options, Instant.now(), Duration.ofSeconds(1),
                    () -> !records.current(record) || finished(record, containerName));
        } catch (ManagementException e) {
            if (status(e) == 404) {
                throw new NotFoundException("container group " + record.groupName + " has no logs for "
                        + containerName + ": " + describe(e));
            }
            throw e;
        }
    }

    private static boolean finished(GroupRecord record, String containerName) {
        synchronized (record) {
            if (record.status == null || record.status.getContainerStatuses() == null) {
                return false;
            }
            boolean restarts = record.group != null && record.group.restartPolicy() != null
                    && !"Never".equals(record.group.restartPolicy().toString());
            return !restarts && record.status.getContainerStatuses().stream().anyMatch(c ->
                    containerName.equals(c.getName()) && c.getState() != null && c.getState().getTerminated() != null);
        }
    }

    @Override
    public int runInContainer(String namespace, String podName, String containerName, List<String> command,
            AttachIO io) {
        GroupRecord record = target(namespace, podName, containerName);
        try (Span span = tracer.startSpan("aci.ExecInContainer", Granularity.NORMAL)) {
            span.attribute("pod", key(namespace, podName)).attribute("container", containerName);
            TerminalSize[] size = {new TerminalSize(80, 24)};
            io.onResize(s -> size[0] = s);
            String joined = String.join(" ", command.stream().map(AzureProvider::quote).toList());
            var response = call("ExecuteCommand", Granularity.NORMAL, ctx -> arm.containers()
                    .executeCommandWithResponse(config.resourceGroup(), record.groupName, containerName,
                            new ContainerExecRequest().withCommand(joined).withTerminalSize(
                                    new ContainerExecRequestTerminalSize().withRows(size[0].height())
                                            .withCols(size[0].width())), ctx)
                    .getValue());
            OutputStream out = io.stdout().orElse(OutputStream.nullOutputStream());
            return ExecSession.run(java.net.URI.create(response.webSocketUri()), response.password(), io.stdin(), out);
        } catch (ManagementException e) {
            if (status(e) == 404) {
                throw new NotFoundException(describe(e));
            }
            if (status(e) == 409 || status(e) == 400) {
                throw new InvalidInputException("ACI cannot exec in " + containerName + ": " + describe(e), e);
            }
            throw e;
        }
    }

    /** Quotes a word with blanks so the single command string ACI takes keeps it together. */
    private static String quote(String word) {
        return word.isEmpty() || word.chars().anyMatch(Character::isWhitespace) ? "'" + word + "'" : word;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        emulator.ifPresent(ArmEmulator::close);
    }
}
