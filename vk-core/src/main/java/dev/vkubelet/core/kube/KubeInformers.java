package dev.vkubelet.core.kube;

import dev.vkubelet.core.ports.PodIndex;
import dev.vkubelet.provider.ClusterResources;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.informer.cache.Lister;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1ConfigMapList;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodList;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1SecretList;
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
 * Watches, through client-java informers, the pods bound to this node ({@code spec.nodeName}
 * field selector; all namespaces or one) and the ConfigMaps, Secrets and Services pods refer to.
 * The informers relist on watch expiry (410) and reconnect after API server restarts.
 *
 * <p>Give it an {@link ApiClient} of its own: the informer factory sets the client's read timeout
 * to 0 for watches.
 */
public final class KubeInformers implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KubeInformers.class);

    private final SharedInformerFactory factory;
    private final SharedIndexInformer<V1Pod> pods;
    private final SharedIndexInformer<V1ConfigMap> configMaps;
    private final SharedIndexInformer<V1Secret> secrets;
    private final SharedIndexInformer<V1Service> services;

    /**
     * @param client a client for the informers alone
     * @param nodeName pods with {@code spec.nodeName} equal to it are watched
     * @param namespace the namespace to watch, or empty for all
     * @param resync how often handlers see every cached pod again
     */
    public KubeInformers(ApiClient client, String nodeName, String namespace, Duration resync) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(nodeName, "nodeName");
        Objects.requireNonNull(namespace, "namespace");
        this.factory = new SharedInformerFactory(client);
        CoreV1Api api = new CoreV1Api(client);
        String selector = "spec.nodeName=" + nodeName;
        boolean all = namespace.isEmpty();
        this.pods = factory.sharedIndexInformerFor(params -> all
                        ? api.listPodForAllNamespaces().fieldSelector(selector).resourceVersion(params.resourceVersion)
                                .timeoutSeconds(params.timeoutSeconds).watch(params.watch).buildCall(null)
                        : api.listNamespacedPod(namespace).fieldSelector(selector)
                                .resourceVersion(params.resourceVersion).timeoutSeconds(params.timeoutSeconds)
                                .watch(params.watch).buildCall(null),
                V1Pod.class, V1PodList.class, resync.toMillis(), KubeInformers::watchFailed);
        this.configMaps = factory.sharedIndexInformerFor(params -> all
                        ? api.listConfigMapForAllNamespaces().resourceVersion(params.resourceVersion)
                                .timeoutSeconds(params.timeoutSeconds).watch(params.watch).buildCall(null)
                        : api.listNamespacedConfigMap(namespace).resourceVersion(params.resourceVersion)
                                .timeoutSeconds(params.timeoutSeconds).watch(params.watch).buildCall(null),
                V1ConfigMap.class, V1ConfigMapList.class, 0, KubeInformers::watchFailed);
        this.secrets = factory.sharedIndexInformerFor(params -> all
                        ? api.listSecretForAllNamespaces().resourceVersion(params.resourceVersion)
                                .timeoutSeconds(params.timeoutSeconds).watch(params.watch).buildCall(null)
                        : api.listNamespacedSecret(namespace).resourceVersion(params.resourceVersion)
                                .timeoutSeconds(params.timeoutSeconds).watch(params.watch).buildCall(null),
                V1Secret.class, V1SecretList.class, 0, KubeInformers::watchFailed);
        this.services = factory.sharedIndexInformerFor(params -> all
                        ? api.listServiceForAllNamespaces().resourceVersion(params.resourceVersion)
                                .timeoutSeconds(params.timeoutSeconds).watch(params.watch).buildCall(null)
                        : api.listNamespacedService(namespace).resourceVersion(params.resourceVersion)
                                .timeoutSeconds(params.timeoutSeconds).watch(params.watch).buildCall(null),
                V1Service.class, V1ServiceList.class, 0, KubeInformers::watchFailed);
    }

    private static <T> void watchFailed(Class<T> type, Throwable error) {
        LOG.warn("watch of {} failed, retrying: {}", type.getSimpleName(), error.toString());
    }

    /** Registers a handler for pod events (before {@link #start()}). */
    public void onPods(ResourceEventHandler<V1Pod> handler) {
        pods.addEventHandler(handler);
    }

    /** Registers a handler for ConfigMap events. */
    public void onConfigMaps(ResourceEventHandler<V1ConfigMap> handler) {
        configMaps.addEventHandler(handler);
    }

    /** Registers a handler for Secret events. */
    public void onSecrets(ResourceEventHandler<V1Secret> handler) {
        secrets.addEventHandler(handler);
    }

    /** Starts every informer. */
    public void start() {
        factory.startAllRegisteredInformers();
    }

    /** Waits until every informer has listed once. */
    public void awaitSynced(Duration timeout) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!(pods.hasSynced() && configMaps.hasSynced() && secrets.hasSynced() && services.hasSynced())) {
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

    /** ConfigMaps, Secrets and Services from the caches. */
    public ClusterResources resources() {
        Lister<V1ConfigMap> cms = new Lister<>(configMaps.getIndexer());
        Lister<V1Secret> secs = new Lister<>(secrets.getIndexer());
        Lister<V1Service> svcs = new Lister<>(services.getIndexer());
        return new ClusterResources() {
            @Override
            public Optional<V1ConfigMap> configMap(String namespace, String name) {
                return Optional.ofNullable(cms.namespace(namespace).get(name));
            }

            @Override
            public Optional<V1Secret> secret(String namespace, String name) {
                return Optional.ofNullable(secs.namespace(namespace).get(name));
            }

            @Override
            public List<V1Service> services(String namespace) {
                return svcs.namespace(namespace).list();
            }
        };
    }

    /** Stops every informer. Idempotent. */
    @Override
    public void close() {
        factory.stopAllRegisteredInformers();
    }
}
