package dev.vkubelet.provider.aws.ecs;

import dev.vkubelet.provider.cloudkit.JoinedListings;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * <p>How nodes share a listing is {@link JoinedListings}'s: each joins the next one that begins
 * after it asked, and nothing is cached.
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

    private final JoinedListings<Key, Map<String, List<Task>>> listings = new JoinedListings<>();

    /**
     * The tasks tagged with {@code nodeName} (running and stopped, with their tags), from a listing
     * that began after this call; {@code ecs} makes the listing when this call starts it.
     */
    public List<Task> of(Key key, String nodeName, EcsClient ecs) {
        return of(key, nodeName, () -> list(ecs, key.cluster()));
    }

    /** {@link #of(Key, String, EcsClient)} with the listing given. */
    List<Task> of(Key key, String nodeName, Supplier<Map<String, List<Task>>> listing) {
        return listings.next(key, listing).getOrDefault(nodeName, List.of());
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
}
