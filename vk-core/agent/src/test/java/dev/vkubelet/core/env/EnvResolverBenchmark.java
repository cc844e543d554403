package dev.vkubelet.core.env;

import dev.vkubelet.provider.ClusterResources;
import dev.vkubelet.provider.testkit.TestPods;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1ConfigMapKeySelector;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1EnvVarSource;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1ServiceSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Environment resolution of one pod, as every pod sync does it: 20 literal variables, 10 from a
 * ConfigMap, one with {@code $(VAR)} references, and the service links of 20 services. Run with
 * {@code -Pjmh} (see vk-core's pom).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class EnvResolverBenchmark {

    private EnvResolver resolver;
    private V1Pod pod;
    private final PodAddresses addresses = new PodAddresses("10.0.0.10", List.of("10.244.0.7"));

    @Setup
    public void setUp() {
        Map<String, String> settings = new HashMap<>();
        for (int i = 0; i < 10; i++) {
            settings.put("key" + i, "value" + i);
        }
        V1ConfigMap configMap = new V1ConfigMap().metadata(new V1ObjectMeta().name("settings")).data(settings);
        List<V1Service> services = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            services.add(new V1Service().metadata(new V1ObjectMeta().name("svc-" + i)).spec(new V1ServiceSpec()
                    .clusterIP("10.0.1." + i).ports(List.of(new V1ServicePort().name("http").port(80).protocol("TCP")))));
        }
        resolver = new EnvResolver(new ClusterResources() {
            @Override
            public Optional<V1ConfigMap> configMap(String namespace, String name) {
                return Optional.of(configMap);
            }

            @Override
            public Optional<V1Secret> secret(String namespace, String name) {
                return Optional.empty();
            }

            @Override
            public List<V1Service> services(String namespace) {
                return services;
            }
        }, () -> Map.of("cpu", new Quantity("8"), "memory", new Quantity("16Gi")));
        pod = TestPods.pod("team", "web", "vk");
        List<V1EnvVar> env = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            env.add(new V1EnvVar().name("LITERAL_" + i).value("value-" + i));
        }
        for (int i = 0; i < 10; i++) {
            env.add(new V1EnvVar().name("FROM_MAP_" + i).valueFrom(new V1EnvVarSource().configMapKeyRef(
                    new V1ConfigMapKeySelector().name("settings").key("key" + i))));
        }
        env.add(new V1EnvVar().name("COMBINED").value("$(LITERAL_0)-$(FROM_MAP_0)"));
        pod.getSpec().getContainers().get(0).env(env);
    }

    @Benchmark
    public EnvResolver.Result resolve() {
        return resolver.resolve(pod, addresses);
    }
}
