package dev.vkubelet.core.bench;

import dev.vkubelet.core.kube.NodeSetPods;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ContainerState;
import io.kubernetes.client.openapi.models.V1ContainerStateRunning;
import io.kubernetes.client.openapi.models.V1ContainerStatus;
import io.kubernetes.client.openapi.models.V1DeleteOptions;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1PodStatus;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The API server's own ceiling for a node's pod work, to compare the node agent with: a plain client
 * that watches the pods bound to a node and, with {@code workers} threads and no client-side rate
 * limit, writes each new pod's status once (Running and Ready) and removes each deleted pod at once.
 * No provider, no comparison, no retries beyond conflicts: the least work a node must do per pod.
 */
final class StatusWriter implements AutoCloseable {

    /** What {@link #main} prints once its watch has synced. */
    static final String READY = "status writer ready";

    private final CoreV1Api api;
    private final SharedIndexInformer<V1Pod> informer;
    private final SharedInformerFactory factory;
    private final ExecutorService workers;
    private final AtomicInteger ips = new AtomicInteger();

    StatusWriter(ApiClient watchClient, ApiClient client, String node, int workers) {
        this.api = new CoreV1Api(client);
        this.workers = Executors.newFixedThreadPool(workers);
        this.factory = new SharedInformerFactory(watchClient);
        // the node's pods watched as the agent watches them (its decoding too): the two differ only in
        // what they do for each pod
        this.informer = factory.sharedIndexInformerFor(new NodeSetPods(watchClient, java.util.Set.of(node), ""),
                V1Pod.class, 0);
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(V1Pod pod) {
                StatusWriter.this.workers.execute(() -> run(pod));
            }

            @Override
            public void onUpdate(V1Pod old, V1Pod now) {
                if (now.getMetadata().getDeletionTimestamp() != null
                        && old.getMetadata().getDeletionTimestamp() == null) {
                    StatusWriter.this.workers.execute(() -> remove(now));
                }
            }

            @Override
            public void onDelete(V1Pod pod, boolean unknown) {}
        });
        factory.startAllRegisteredInformers();
    }

    /**
     * The writer in a process of its own (a bench's {@code --node-process}): {@code KUBECONFIG NODE
     * WORKERS}; prints {@value #READY} once its watch has synced and runs until killed.
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: StatusWriter KUBECONFIG NODE WORKERS");
            System.exit(2);
        }
        java.nio.file.Path kubeconfig = java.nio.file.Path.of(args[0]);
        ApiClient watchClient = dev.vkubelet.core.controlplane.LocalControlPlane.clientFor(kubeconfig);
        watchClient.setReadTimeout(0);
        ApiClient client = dev.vkubelet.core.controlplane.LocalControlPlane.clientFor(kubeconfig);
        StatusWriter writer = new StatusWriter(watchClient, client, args[1], Integer.parseInt(args[2]));
        while (!writer.informer.hasSynced()) {
            Thread.sleep(50);
        }
        System.out.println(READY);
        System.out.flush();
        Thread.currentThread().join();
    }

    private void run(V1Pod pod) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        int n = ips.incrementAndGet();
        pod.status(new V1PodStatus().phase("Running").podIP("10.250." + ((n >> 8) & 0xff) + "." + (n & 0xff))
                .startTime(now).conditions(List.of(new V1PodCondition().type("Ready").status("True")
                        .lastTransitionTime(now)))
                .containerStatuses(pod.getSpec().getContainers().stream().map(c -> new V1ContainerStatus()
                        .name(c.getName()).image(c.getImage()).imageID("").ready(true).restartCount(0)
                        .state(new V1ContainerState().running(new V1ContainerStateRunning().startedAt(now))))
                        .toList()));
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                api.replaceNamespacedPodStatus(pod.getMetadata().getName(), pod.getMetadata().getNamespace(), pod)
                        .execute();
                return;
            } catch (ApiException e) {
                if (e.getCode() != 409) {
                    return;
                }
                try {
                    V1Pod fresh = api.readNamespacedPod(pod.getMetadata().getName(), pod.getMetadata().getNamespace())
                            .execute();
                    pod.getMetadata().resourceVersion(fresh.getMetadata().getResourceVersion());
                } catch (ApiException gone) {
                    return;
                }
            }
        }
    }

    private void remove(V1Pod pod) {
        try {
            api.deleteNamespacedPod(pod.getMetadata().getName(), pod.getMetadata().getNamespace()).gracePeriodSeconds(0)
                    .body(new V1DeleteOptions().gracePeriodSeconds(0L)).execute();
        } catch (ApiException e) {
            // gone already
        }
    }

    @Override
    public void close() throws InterruptedException {
        factory.stopAllRegisteredInformers();
        workers.shutdownNow();
        workers.awaitTermination(5, TimeUnit.SECONDS);
    }
}
