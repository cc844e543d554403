package dev.vkubelet.core.kube;

import dev.vkubelet.core.ports.PodIndex;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.informer.cache.Lister;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceList;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches, through client-java informers, the pods bound to this process's nodes ({@link NodeSetPods}:
 * one node's by field selector, or every scheduled pod keeping only theirs in memory; all namespaces or
 * one) and the Services (service links need a namespace's all).
 * ConfigMaps and Secrets are not watched: {@link KubeReferencedObjects} reads those a pod refers
 * to, by name. The informers relist on watch expiry (410) and reconnect after API server restarts.
 *
 * <p>Give it an {@link ApiClient} of its own: the informer factory sets the client's read timeout
 * to 0 for watches.
 */
public final class KubeInformers implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KubeInformers.class);

    private final SharedInformerFactory factory;
    private final SharedIndexInformer<V1Pod> pods;
    private final SharedIndexInformer<V1Service> services;
    /** The nodes of the set, for heartbeats that check their node still exists without a request. */
    private final SharedIndexInformer<io.kubernetes.client.openapi.models.V1Node> nodeWatch;
    private final Lister<V1Service> servicesLister;

    /**
     * @param client a client for the informers alone
     * @param nodes pods with {@code spec.nodeName} among them are watched
     * @param namespace the namespace to watch, or empty for all
     * @param resync how often handlers see every cached pod again
     */
    public KubeInformers(ApiClient client, java.util.Collection<String> nodes, String namespace, Duration resync) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(namespace, "namespace");
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("no node to watch the pods of");
        }
        this.factory = new SharedInformerFactory(client);
        CoreV1Api api = new CoreV1Api(client);
        boolean all = namespace.isEmpty();
        this.pods = factory.sharedIndexInformerFor(new NodeSetPods(client, java.util.Set.copyOf(nodes), namespace),
                V1Pod.class, resync.toMillis(), KubeInformers::watchFailed);
        this.services = factory.sharedIndexInformerFor(params -> all
                        ? api.listServiceForAllNamespaces().resourceVersion(params.resourceVersion)
                                .timeoutSeconds(params.timeoutSeconds).watch(params.watch).buildCall(null)
                        : api.listNamespacedService(namespace).resourceVersion(params.resourceVersion)
                                .timeoutSeconds(params.timeoutSeconds).watch(params.watch).buildCall(null),
                V1Service.class, V1ServiceList.class, 0, KubeInformers::watchFailed);
        this.servicesLister = new Lister<>(services.getIndexer());
        this.nodeWatch = factory.sharedIndexInformerFor(new NodeSetNodes(client, java.util.Set.copyOf(nodes)),
                io.kubernetes.client.openapi.models.V1Node.class, 0, KubeInformers::watchFailed);
    }

    /** The nodes of the set as the watch saw them (empty while it has not synced). */
    public KubeNodeClient.Cache nodeCache() {
        Lister<io.kubernetes.client.openapi.models.V1Node> lister = new Lister<>(nodeWatch.getIndexer());
        return name -> nodeWatch.hasSynced() ? Optional.of(Optional.ofNullable(lister.get(name))) : Optional.empty();
    }

    private static <T> void watchFailed(Class<T> type, Throwable error) {
        // an ApiException's own text carries the response headers: the code and the server's message
        String why = error instanceof io.kubernetes.client.openapi.ApiException api
                ? "HTTP " + api.getCode() + " " + ApiMessages.of(api) : error.toString();
        LOG.warn("watch of {} failed, retrying: {}", type.getSimpleName(), why);
    }

    /** Registers a handler for pod events (before {@link #start()}). */
    public void onPods(ResourceEventHandler<V1Pod> handler) {
        pods.addEventHandler(handler);
    }

    /** Starts every informer. */
    public void start() {
        factory.startAllRegisteredInformers();
    }

    /** Waits until every informer has listed once. */
    public void awaitSynced(Duration timeout) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!(pods.hasSynced() && services.hasSynced())) {
            if (System.nanoTime() - deadline > 0) {
                throw new TimeoutException("informers did not sync within " + timeout);
            }
            Thread.sleep(50);
        }
    }

    /** The pod cache. */
    public PodIndex podIndex() {
        Lister<V1Pod> lister = new Lister<>(pods.getIndexer());
        return new PodIndex() {
            @Override
            public Optional<V1Pod> get(String namespace, String name) {
                return Optional.ofNullable(lister.namespace(namespace).get(name));
            }

            @Override
            public List<V1Pod> list() {
                return lister.list();
            }

            @Override
            public boolean hasSynced() {
                return pods.hasSynced();
            }
        };
    }

    /** The Services of a namespace, from the cache. */
    public List<V1Service> services(String namespace) {
        return servicesLister.namespace(namespace).list();
    }

    /** Stops every informer. Idempotent. */
    @Override
    public void close() {
        factory.stopAllRegisteredInformers();
    }
}
