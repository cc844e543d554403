package dev.vkubelet.provider.aws.ecs;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.ListTasksRequest;
import software.amazon.awssdk.services.ecs.model.ListTasksResponse;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskField;

/**
 * The tasks of an ECS cluster by the node they are tagged with, listed once for all the nodes of a
 * process that start together. ECS cannot list a cluster's tasks by tag, so a node that starts
 * lists them all to adopt its own; a replica taking over a hundred nodes of a 3,000-task cluster
 * would otherwise list it a hundred times.
 *
 * <p>A node that asks joins the next listing that begins after it asked, never one already under
 * way (that one may have passed a task started just before the node asked): nodes starting together
 * share one or two listings. A listing's result is handed to the nodes that joined it and then
 * dropped; a failed listing fails every node that joined it.
 */
public final class ClusterTasks {

    private static final int DESCRIBE_BATCH = 100;

    /**
     * Which listings may be shared: the same cluster, reached the same way.
     *
     * @param endpoint the endpoint override, empty for AWS's own
     * @param region the region
     * @param cluster the cluster name
     * @param identity who signs the requests (an access key id, or the SDK's default chain)
     */
    public record Key(Optional<URI> endpoint, String region, String cluster, String identity) {}

    private final ConcurrentMap<Key, Listings> byCluster = new ConcurrentHashMap<>();

    /**
     * The tasks tagged with {@code nodeName} (running and stopped, with their tags), from a listing
     * that began after this call; {@code ecs} makes the listing when this call starts it.
     */
    public List<Task> of(Key key, String nodeName, EcsClient ecs) {
        return of(key, nodeName, () -> list(ecs, key.cluster()));
    }

    /** {@link #of(Key, String, EcsClient)} with the listing given. */
    List<Task> of(Key key, String nodeName, Supplier<Map<String, List<Task>>> listing) {
        return byCluster.computeIfAbsent(key, k -> new Listings()).next(listing).getOrDefault(nodeName, List.of());
    }

    /** Every task of the cluster that carries a node tag, by that tag's value. */
    static Map<String, List<Task>> list(EcsClient ecs, String cluster) {
        List<String> arns = new ArrayList<>();
        for (DesiredStatus desired : List.of(DesiredStatus.RUNNING, DesiredStatus.STOPPED)) {
            String token = null;
            do {
                ListTasksRequest.Builder request = ListTasksRequest.builder().cluster(cluster)
                        .desiredStatus(desired).maxResults(100);
                if (token != null) {
                    request.nextToken(token);
                }
                ListTasksResponse page = ecs.listTasks(request.build());
                arns.addAll(page.taskArns());
                token = page.nextToken();
            } while (token != null);
        }
        Map<String, List<Task>> byNode = new HashMap<>();
        for (int i = 0; i < arns.size(); i += DESCRIBE_BATCH) {
            List<String> batch = arns.subList(i, Math.min(arns.size(), i + DESCRIBE_BATCH));
            for (Task task : ecs.describeTasks(b -> b.cluster(cluster).tasks(batch).include(TaskField.TAGS)).tasks()) {
                task.tags().stream().filter(t -> PodTags.NODE.equals(t.key())).map(Tag::value).findFirst()
                        .ifPresent(node -> byNode.computeIfAbsent(node, n -> new ArrayList<>()).add(task));
            }
        }
        return byNode;
    }

    /** The listings of one cluster: at most one under way, and the next one that callers join. */
    private static final class Listings {
        /** One listing and the callers that joined it; guarded by the {@code Listings}. */
        private static final class Round {
            boolean done;
            Map<String, List<Task>> tasks;
            Throwable failure; // a RuntimeException or an Error

            Map<String, List<Task>> result() {
                if (failure instanceof RuntimeException e) {
                    throw e;
                }
                if (failure instanceof Error e) {
                    throw e;
                }
                return tasks;
            }
        }

        private Round pending;
        private boolean running;

        /** Joins the next listing; the first of its callers to find none under way makes it. */
        Map<String, List<Task>> next(Supplier<Map<String, List<Task>>> listing) {
            Round mine;
            synchronized (this) {
                if (pending == null) {
                    pending = new Round();
                }
                mine = pending;
                boolean interrupted = false;
                while (!mine.done && running) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        interrupted = true; // a node's start is not abandoned halfway; the flag is kept
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
                if (mine.done) {
                    return mine.result();
                }
                pending = null; // this caller lists for its round; later callers join the next one
                running = true;
            }
            Map<String, List<Task>> tasks = null;
            Throwable failure = null;
            try {
                tasks = listing.get();
            } catch (RuntimeException | Error e) {
                failure = e;
            }
            synchronized (this) {
                mine.tasks = tasks;
                mine.failure = failure;
                mine.done = true;
                running = false;
                notifyAll();
                return mine.result();
            }
        }
    }
}
