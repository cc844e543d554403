package dev.vkubelet.core.kube;

import dev.vkubelet.core.cache.ExpiringCache;
import dev.vkubelet.core.ports.PodIndex;
import dev.vkubelet.provider.ClusterResources;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * ConfigMaps and Secrets read one by one, by name, when a pod needs them: never listed or watched
 * across the cluster, so the agent's identity needs only {@code get} on them (and, as a node
 * identity under the Node authorizer, only on those its pods refer to). A value read is shared by
 * every pod that refers to it for {@value #FOUND_SECONDS} seconds; one that does not exist is asked
 * for again after {@value #MISSING_SECONDS} second. Services come from the services informer (service
 * links need all of a namespace's). A read the API server refuses throws, so the pod's sync is
 * retried with backoff.
 */
public final class KubeReferencedObjects implements ClusterResources {

    static final long FOUND_SECONDS = 10;
    static final long MISSING_SECONDS = 1;
    private static final int CAPACITY = 10_000;

    private final CoreV1Api api;
    private final Function<String, List<V1Service>> services;
    private final ExpiringCache<String, Optional<V1ConfigMap>> configMaps =
            new ExpiringCache<>(CAPACITY, System::nanoTime);
    private final ExpiringCache<String, Optional<V1Secret>> secrets = new ExpiringCache<>(CAPACITY, System::nanoTime);

    /**
     * @param client the agent's client (its rate limit applies)
     * @param services the Services of a namespace, from an informer
     */
    public KubeReferencedObjects(ApiClient client, Function<String, List<V1Service>> services) {
        this.api = new CoreV1Api(Objects.requireNonNull(client, "client"));
        this.services = Objects.requireNonNull(services, "services");
    }

    @Override
    public Optional<V1ConfigMap> configMap(String namespace, String name) {
        return cached(configMaps, namespace, name, () -> KubeCalls.read("get configmap " + namespace + "/" + name,
                () -> api.readNamespacedConfigMap(name, namespace).execute()));
    }

    @Override
    public Optional<V1Secret> secret(String namespace, String name) {
        return cached(secrets, namespace, name, () -> KubeCalls.read("get secret " + namespace + "/" + name,
                () -> api.readNamespacedSecret(name, namespace).execute()));
    }

    private static <T> Optional<T> cached(ExpiringCache<String, Optional<T>> cache, String namespace, String name,
            java.util.function.Supplier<Optional<T>> read) {
        String key = namespace + "/" + name;
        Optional<Optional<T>> known = cache.get(key);
        if (known.isPresent()) {
            return known.get();
        }
        Optional<T> found = read.get();
        cache.put(key, found, Duration.ofSeconds(found.isPresent() ? FOUND_SECONDS : MISSING_SECONDS));
        return found;
    }

    @Override
    public List<V1Service> services(String namespace) {
        return services.apply(namespace);
    }

    /**
     * The view handed to plugins: a ConfigMap or Secret only when a pod of the node in its namespace
     * refers to it (else empty, as if it did not exist), so a plugin sees what its pods reference
     * and nothing more.
     */
    public ClusterResources referencedBy(PodIndex pods) {
        Objects.requireNonNull(pods, "pods");
        KubeReferencedObjects all = this;
        return new ClusterResources() {
            @Override
            public Optional<V1ConfigMap> configMap(String namespace, String name) {
                return referenced(pods, namespace, r -> r.configMaps().contains(name))
                        ? all.configMap(namespace, name) : Optional.empty();
            }

            @Override
            public Optional<V1Secret> secret(String namespace, String name) {
                return referenced(pods, namespace, r -> r.secrets().contains(name))
                        ? all.secret(namespace, name) : Optional.empty();
            }

            @Override
            public List<V1Service> services(String namespace) {
                return all.services(namespace);
            }
        };
    }

    private static boolean referenced(PodIndex pods, String namespace,
            java.util.function.Predicate<PodReferences> refersTo) {
        for (V1Pod pod : pods.list()) {
            if (namespace.equals(pod.getMetadata().getNamespace()) && refersTo.test(PodReferences.of(pod))) {
                return true;
            }
        }
        return false;
    }
}
