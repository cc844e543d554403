package dev.vkubelet.core.env;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vkubelet.provider.ClusterResources;
import dev.vkubelet.provider.testkit.TestPods;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1ConfigMapEnvSource;
import io.kubernetes.client.openapi.models.V1ConfigMapKeySelector;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1EnvFromSource;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1EnvVarSource;
import io.kubernetes.client.openapi.models.V1ObjectFieldSelector;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1ResourceFieldSelector;
import io.kubernetes.client.openapi.models.V1ResourceRequirements;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1SecretEnvSource;
import io.kubernetes.client.openapi.models.V1SecretKeySelector;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1ServiceSpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EnvResolverTest {

    private final Map<String, V1ConfigMap> configMaps = new HashMap<>();
    private final Map<String, V1Secret> secrets = new HashMap<>();
    private final Map<String, List<V1Service>> services = new HashMap<>();
    private final ClusterResources resources = new ClusterResources() {
        @Override
        public Optional<V1ConfigMap> configMap(String namespace, String name) {
            return Optional.ofNullable(configMaps.get(namespace + "/" + name));
        }

        @Override
        public Optional<V1Secret> secret(String namespace, String name) {
            return Optional.ofNullable(secrets.get(namespace + "/" + name));
        }

        @Override
        public List<V1Service> services(String namespace) {
            return services.getOrDefault(namespace, List.of());
        }
    };
    private final EnvResolver resolver = new EnvResolver(resources,
            () -> Map.of("cpu", new Quantity("8"), "memory", new Quantity("16Gi")));
    private static final PodAddresses ADDRESSES = new PodAddresses("10.0.0.10", List.of("10.244.0.7", "fd00::7"));

    private static V1Pod pod(V1Container container) {
        V1Pod pod = TestPods.pod("team", "web", "vk");
        pod.getMetadata().putLabelsItem("app", "web");
        pod.getSpec().setContainers(new ArrayList<>(List.of(container)));
        return pod;
    }

    private static V1Container container(List<V1EnvVar> env) {
        return new V1Container().name("app").image("busybox").env(new ArrayList<>(env));
    }

    private static Map<String, String> env(EnvResolver.Result result) {
        Map<String, String> out = new LinkedHashMap<>();
        List<V1EnvVar> env = result.pod().getSpec().getContainers().get(0).getEnv();
        if (env != null) {
            env.forEach(e -> {
                assertTrue(e.getValueFrom() == null || e.getValueFrom().getSecretKeyRef() != null,
                        "only a Secret's values keep their origin: " + e);
                out.put(e.getName(), e.getValue());
            });
        }
        return out;
    }

    private static V1EnvVar value(String name, String value) {
        return new V1EnvVar().name(name).value(value);
    }

    private static V1EnvVar field(String name, String path) {
        return new V1EnvVar().name(name).valueFrom(new V1EnvVarSource().fieldRef(new V1ObjectFieldSelector().fieldPath(path)));
    }

    @Test
    void expandsReferencesToEarlierVariablesAndKeepsUnknownOnes() {
        Map<String, String> env = env(resolver.resolve(pod(container(List.of(
                value("A", "x"), value("B", "$(A)-$(UNKNOWN)-$$(A)-$"), value("A", "y")))), ADDRESSES));
        assertEquals(List.of("A", "B"), List.copyOf(env.keySet()));
        assertEquals("y", env.get("A"));
        assertEquals("x-$(UNKNOWN)-$(A)-$", env.get("B"));
    }

    @Test
    void resolvesFieldReferencesIncludingStatusAddresses() {
        EnvResolver.Result result = resolver.resolve(pod(container(List.of(field("NAME", "metadata.name"),
                field("NS", "metadata.namespace"), field("APP", "metadata.labels['app']"),
                field("NODE", "spec.nodeName"), field("HOST_IP", "status.hostIP"), field("POD_IP", "status.podIP"),
                field("POD_IPS", "status.podIPs")))), ADDRESSES);
        Map<String, String> env = env(result);
        assertEquals("web", env.get("NAME"));
        assertEquals("team", env.get("NS"));
        assertEquals("web", env.get("APP"));
        assertEquals("vk", env.get("NODE"));
        assertEquals("10.0.0.10", env.get("HOST_IP"));
        assertEquals("10.244.0.7", env.get("POD_IP"));
        assertEquals("10.244.0.7,fd00::7", env.get("POD_IPS"));
        assertTrue(result.usesPodIp());
        assertFalse(resolver.resolve(pod(container(List.of(field("N", "metadata.name")))), ADDRESSES).usesPodIp());
        assertThrows(IllegalArgumentException.class, () -> resolver.resolve(pod(container(List.of(
                field("X", "spec.nonsense")))), ADDRESSES));
    }

    @Test
    void resourceFieldRefsUseDivisorsAndTheNodeWhenThereIsNoLimit() {
        V1Container c = container(List.of(
                new V1EnvVar().name("CPU_MILLIS").valueFrom(new V1EnvVarSource().resourceFieldRef(
                        new V1ResourceFieldSelector().resource("limits.cpu").divisor(new Quantity("1m")))),
                new V1EnvVar().name("MEM_MI").valueFrom(new V1EnvVarSource().resourceFieldRef(
                        new V1ResourceFieldSelector().resource("requests.memory").divisor(new Quantity("1Mi")))),
                new V1EnvVar().name("NODE_MEM").valueFrom(new V1EnvVarSource().resourceFieldRef(
                        new V1ResourceFieldSelector().resource("limits.memory").divisor(new Quantity("1Gi"))))));
        c.resources(new V1ResourceRequirements().limits(Map.of("cpu", new Quantity("250m")))
                .requests(Map.of("memory", new Quantity("100M"))));
        Map<String, String> env = env(resolver.resolve(pod(c), ADDRESSES));
        assertEquals("250", env.get("CPU_MILLIS"));
        assertEquals("96", env.get("MEM_MI"));
        assertEquals("16", env.get("NODE_MEM"));
    }

    @Test
    void configMapsAndSecretsWholeAndByKeyWithPrefixes() {
        configMaps.put("team/settings", new V1ConfigMap().metadata(new V1ObjectMeta().name("settings"))
                .data(Map.of("MODE", "fast", "bad key", "skipped")));
        secrets.put("team/creds", new V1Secret().metadata(new V1ObjectMeta().name("creds"))
                .data(Map.of("PASSWORD", "s3cret".getBytes(StandardCharsets.UTF_8))));
        V1Container c = container(List.of(
                new V1EnvVar().name("KEY_MODE").valueFrom(new V1EnvVarSource().configMapKeyRef(
                        new V1ConfigMapKeySelector().name("settings").key("MODE"))),
                new V1EnvVar().name("PW").valueFrom(new V1EnvVarSource().secretKeyRef(
                        new V1SecretKeySelector().name("creds").key("PASSWORD"))),
                value("URL", "db://$(DB_PASSWORD)@host")));
        c.envFrom(List.of(new V1EnvFromSource().configMapRef(new V1ConfigMapEnvSource().name("settings")),
                new V1EnvFromSource().prefix("DB_").secretRef(new V1SecretEnvSource().name("creds"))));
        EnvResolver.Result result = resolver.resolve(pod(c), ADDRESSES);
        Map<String, String> env = env(result);
        assertEquals("fast", env.get("MODE"));
        assertFalse(env.containsKey("bad key"));
        assertEquals("s3cret", env.get("DB_PASSWORD"));
        assertEquals("fast", env.get("KEY_MODE"));
        assertEquals("s3cret", env.get("PW"));
        assertEquals("db://s3cret@host", env.get("URL"));
        assertTrue(result.events().isEmpty());
        assertNull(result.pod().getSpec().getContainers().get(0).getEnvFrom());
        Map<String, V1EnvVar> vars = new java.util.HashMap<>();
        result.pod().getSpec().getContainers().get(0).getEnv().forEach(v -> vars.put(v.getName(), v));
        assertEquals("PASSWORD", vars.get("PW").getValueFrom().getSecretKeyRef().getKey(),
                "a value from a Secret keeps its origin for providers that store it as a secret");
        assertEquals("creds", vars.get("DB_PASSWORD").getValueFrom().getSecretKeyRef().getName());
        assertNull(vars.get("URL").getValueFrom(), "a plain value has no origin");
        assertNull(vars.get("KEY_MODE").getValueFrom(), "ConfigMap values are not secret");
    }

    @Test
    void missingOptionalReferencesAreReportedAndSkipped() {
        V1Container c = container(List.of(
                new V1EnvVar().name("A").valueFrom(new V1EnvVarSource().configMapKeyRef(
                        new V1ConfigMapKeySelector().name("absent").key("k").optional(true))),
                new V1EnvVar().name("B").valueFrom(new V1EnvVarSource().secretKeyRef(
                        new V1SecretKeySelector().name("absent").key("k").optional(true)))));
        c.envFrom(List.of(new V1EnvFromSource().secretRef(new V1SecretEnvSource().name("gone").optional(true))));
        EnvResolver.Result result = resolver.resolve(pod(c), ADDRESSES);
        assertFalse(result.blocked());
        assertEquals(List.of("OptionalSecretNotFound", "OptionalConfigMapNotFound", "OptionalSecretNotFound"),
                result.events().stream().map(EnvEvent::reason).toList());
        assertTrue(result.events().get(0).message().contains("team/gone"), result.events().toString());
        assertTrue(env(result).isEmpty());
    }

    @Test
    void missingMandatoryReferencesBlockThePod() {
        configMaps.put("team/settings", new V1ConfigMap().metadata(new V1ObjectMeta().name("settings"))
                .data(Map.of("MODE", "fast")));
        EnvResolver.Result result = resolver.resolve(pod(container(List.of(
                new V1EnvVar().name("A").valueFrom(new V1EnvVarSource().configMapKeyRef(
                        new V1ConfigMapKeySelector().name("settings").key("MISSING"))),
                new V1EnvVar().name("B").valueFrom(new V1EnvVarSource().secretKeyRef(
                        new V1SecretKeySelector().name("absent").key("k")))))), ADDRESSES);
        assertTrue(result.blocked());
        assertEquals(List.of("MandatoryConfigMapKeyNotFound", "MandatorySecretNotFound"),
                result.events().stream().map(EnvEvent::reason).toList());
    }

    @Test
    void serviceLinksComeLastUnlessDisabledAndDoNotOverrideExplicitValues() {
        services.put("team", List.of(new V1Service().metadata(new V1ObjectMeta().name("redis-primary"))
                .spec(new V1ServiceSpec().clusterIP("10.0.0.11").ports(List.of(
                        new V1ServicePort().name("redis").port(6379).protocol("TCP"))))));
        services.put("default", List.of(new V1Service().metadata(new V1ObjectMeta().name("kubernetes"))
                .spec(new V1ServiceSpec().clusterIP("10.0.0.1").ports(List.of(
                        new V1ServicePort().name("https").port(443).protocol("TCP"))))));
        Map<String, String> env = env(resolver.resolve(pod(container(List.of(
                value("REDIS_PRIMARY_SERVICE_PORT", "override"), value("URL", "$(REDIS_PRIMARY_SERVICE_HOST)")))),
                ADDRESSES));
        assertEquals("override", env.get("REDIS_PRIMARY_SERVICE_PORT"));
        assertEquals("10.0.0.11", env.get("URL"));
        assertEquals("10.0.0.11", env.get("REDIS_PRIMARY_SERVICE_HOST"));
        assertEquals("6379", env.get("REDIS_PRIMARY_SERVICE_PORT_REDIS"));
        assertEquals("tcp://10.0.0.11:6379", env.get("REDIS_PRIMARY_PORT"));
        assertEquals("10.0.0.11", env.get("REDIS_PRIMARY_PORT_6379_TCP_ADDR"));
        assertEquals("10.0.0.1", env.get("KUBERNETES_SERVICE_HOST"));
        assertEquals(List.of("REDIS_PRIMARY_SERVICE_PORT", "URL"), List.copyOf(env.keySet()).subList(0, 2));

        V1Pod noLinks = pod(container(List.of(value("A", "1"))));
        noLinks.getSpec().enableServiceLinks(false);
        Map<String, String> without = env(resolver.resolve(noLinks, ADDRESSES));
        assertFalse(without.containsKey("REDIS_PRIMARY_SERVICE_HOST"));
        assertEquals("10.0.0.1", without.get("KUBERNETES_SERVICE_HOST"));
    }

    @Test
    void theOrderIsEachNameWhereFirstDefinedWithEnvFromKeysSortedAndServicesLast() {
        services.put("team", List.of(new V1Service().metadata(new V1ObjectMeta().name("db"))
                .spec(new V1ServiceSpec().clusterIP("10.0.0.5").ports(List.of(
                        new V1ServicePort().name("pg").port(5432).protocol("TCP"))))));
        configMaps.put("team/settings", new V1ConfigMap().metadata(new V1ObjectMeta().name("settings"))
                .data(inOrder("Z", "1", "A", "2", "M", "3", "X", "from-map")));
        configMaps.put("team/more", new V1ConfigMap().metadata(new V1ObjectMeta().name("more"))
                .data(inOrder("B", "4", "A", "later-map")));
        V1Container c = container(List.of(value("Y", "y"), value("X", "x"), value("A", "from-env")));
        c.envFrom(List.of(new V1EnvFromSource().configMapRef(new V1ConfigMapEnvSource().name("settings")),
                new V1EnvFromSource().configMapRef(new V1ConfigMapEnvSource().name("more"))));
        Map<String, String> env = env(resolver.resolve(pod(c), ADDRESSES));
        List<String> names = List.copyOf(env.keySet());
        assertEquals(List.of("A", "M", "X", "Z", "B", "Y"), names.subList(0, 6));
        assertEquals("from-env", env.get("A"));
        assertEquals("x", env.get("X"));
        assertTrue(names.subList(6, names.size()).stream().allMatch(n -> n.startsWith("DB_SERVICE")
                || n.startsWith("DB_PORT")), "the service variables come last: " + names);
        assertEquals(List.copyOf(env.keySet()), List.copyOf(env(resolver.resolve(pod(c), ADDRESSES)).keySet()));
    }

    /** A map that iterates in the order given (as a decoded ConfigMap's data may not be sorted). */
    private static Map<String, String> inOrder(String... keysAndValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
