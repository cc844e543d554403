package dev.vkubelet.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vkubelet.core.app.VirtualKubelet;
import dev.vkubelet.core.cli.NodeOptions;
import dev.vkubelet.core.controlplane.LocalControlPlane;
import dev.vkubelet.core.testing.LocalControlPlaneExtension;
import dev.vkubelet.core.testing.Names;
import dev.vkubelet.provider.testkit.Await;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The node agent's /metrics against a real kube-apiserver, and scraped by a real Prometheus. */
@ExtendWith(LocalControlPlaneExtension.class)
class MetricsIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private VirtualKubelet start(LocalControlPlane plane, String node) throws Exception {
        NodeOptions options = new NodeOptions(Map.of(), Path.of("/nonexistent"), Optional.empty());
        com.beust.jcommander.JCommander.newBuilder().addObject(options).build().parse("--provider", "mock",
                "--nodename", node, "--plugin-dir", System.getProperty("vk.plugins.dir", "target/test-plugins"),
                "--kubeconfig", plane.nodeKubeconfig(node).toString(), "--metrics-addr", "127.0.0.1:0", "--listen-port", "0");
        VirtualKubelet agent = new VirtualKubelet(options.toRunConfig(), s -> s.withTimings(s.leaseDuration(),
                Duration.ofMillis(500), s.statusInterval(), s.pingTimeout()), UnaryOperator.identity());
        agent.start();
        return agent;
    }

    private List<PrometheusText.Sample> scrape(InetSocketAddress address) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + address.getPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        return PrometheusText.parse(response.body());
    }

    private static V1Pod pod(String name, String node) {
        return new V1Pod().metadata(new V1ObjectMeta().name(name)).spec(new V1PodSpec().overhead(null)
                .nodeName(node).containers(List.of(new V1Container().name("app").image("busybox:1.36"))));
    }

    @Test
    void metricsParseAndMoveAsPodsComeAndGo(LocalControlPlane plane) throws Exception {
        String node = Names.unique("vk-metrics");
        String pod = Names.unique("measured");
        CoreV1Api admin = new CoreV1Api(plane.adminClient());
        try (VirtualKubelet agent = start(plane, node)) {
            InetSocketAddress address = agent.metricsAddress().orElseThrow();
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            java.net.http.HttpResponse<String> health = http.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + address.getPort() + "/healthz")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), "the probes' /healthz beside /metrics");
            assertEquals("ok", health.body());
            assertEquals(404, http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                    + address.getPort() + "/healthz/more")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode());
            admin.createNamespacedPod("default", pod(pod, node)).execute();
            List<PrometheusText.Sample> running = Await.until(WAIT, "vk_pods{phase=Running} = 1 and a start measured",
                    () -> {
                try {
                    List<PrometheusText.Sample> s = scrape(address);
                    // the informer can show the pod Running a moment before the writer records the start
                    return PrometheusText.value(s, "vk_pods", Map.of("phase", "Running")) == 1
                            && PrometheusText.value(s, "vk_pod_start_duration_seconds_count", Map.of()) >= 1
                            ? Optional.of(s) : Optional.empty();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertTrue(PrometheusText.value(running, "vk_pod_start_duration_seconds_count", Map.of()) >= 1);
            assertTrue(PrometheusText.value(running, "vk_provider_call_duration_seconds_count",
                    Map.of("provider", "mock", "operation", "createPod", "error", "none")) >= 1);
            assertTrue(PrometheusText.value(running, "vk_provider_call_duration_seconds_count",
                    Map.of("provider", "mock", "operation", "getPod", "error", "none")) >= 1);
            assertTrue(PrometheusText.value(running, "vk_workqueue_adds_total", Map.of("queue", "sync")) >= 1);
            assertTrue(running.stream().anyMatch(s -> s.name().equals("vk_workqueue_depth")
                    && "status".equals(s.labels().get("queue"))));
            assertTrue(PrometheusText.value(running, "vk_workqueue_queue_duration_seconds_count",
                    Map.of("queue", "sync")) >= 1);
            assertTrue(PrometheusText.value(running, "vk_apiserver_request_duration_seconds_count",
                    Map.of("verb", "PUT", "resource", "pods/status", "code", "200")) >= 1);
            assertTrue(PrometheusText.value(running, "vk_pod_status_writes_total", Map.of("result", "written")) >= 1);
            assertTrue(PrometheusText.value(running, "vk_node_lease_renewals_total", Map.of("result", "ok")) >= 1);
            assertTrue(PrometheusText.value(running, "vk_node_lease_renewal_delay_seconds_count", Map.of()) >= 1);
            assertTrue(PrometheusText.value(running, "vk_node_ping_duration_seconds_count", Map.of("result", "ok")) >= 1);
            assertTrue(PrometheusText.value(running, "vk_node_status_updates_total", Map.of("result", "ok")) >= 1);
            assertTrue(PrometheusText.value(running, "vk_node_lease_last_renewal_timestamp_seconds", Map.of()) > 0);
            // the first scheduled heartbeat comes at a random point of the first renew interval (10 s)
            Await.until(WAIT, "the lag of a scheduled node step measured", () -> {
                try {
                    return PrometheusText.value(scrape(address), "vk_node_loop_lag_seconds_count", Map.of()) >= 1;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertEquals(1.0, PrometheusText.value(running, "vk_plugin_info", Map.of("plugin", "mock",
                    "provider", "mock")));
            assertTrue(running.stream().anyMatch(s -> s.name().startsWith("jvm_memory_used_bytes")));
            assertTrue(PrometheusText.value(running, "vk_provider_mock_creates_total",
                    Map.of("provider", "mock")) >= 1, "the mock plugin's own metric is missing");
            assertTrue(running.stream().anyMatch(s -> s.name().equals("vk_provider_mock_pods")));

            HttpClient tls = HttpClient.newBuilder().sslContext(dev.vkubelet.provider.testkit.TrustAll.context(null))
                    .build();
            assertEquals(200, tls.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:"
                    + agent.kubeletApiAddress().orElseThrow().getPort() + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
            List<PrometheusText.Sample> afterHealthz = scrape(address);
            assertTrue(PrometheusText.value(afterHealthz, "vk_kubelet_request_duration_seconds_count",
                    Map.of("route", "/healthz", "code", "200")) >= 1);
            assertTrue(afterHealthz.stream().anyMatch(s -> s.name().equals("vk_kubelet_open_streams")));

            admin.deleteNamespacedPod(pod, "default").execute();
            Await.until(WAIT, "deletion measured and no pod Running", () -> {
                try {
                    List<PrometheusText.Sample> s = scrape(address);
                    return PrometheusText.value(s, "vk_pod_deletion_duration_seconds_count", Map.of()) >= 1
                            && PrometheusText.value(s, "vk_pods", Map.of("phase", "Running")) == 0;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });

            HttpResponse<String> open = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + address.getPort() + "/metrics"))
                    .header("Accept", "application/openmetrics-text; version=1.0.0").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(open.headers().firstValue("Content-Type").orElse("").startsWith("application/openmetrics-text"));
            assertTrue(open.body().strip().endsWith("# EOF"));
        } finally {
            admin.deleteNode(node).execute();
        }
    }

    @Test
    void aRealPrometheusScrapesTheNodeAgent(LocalControlPlane plane) throws Exception {
        Path binary = Path.of(System.getenv().getOrDefault("VK_PROMETHEUS", "/usr/bin/prometheus"));
        assertTrue(Files.isExecutable(binary), "no Prometheus at " + binary
                + " (dist/scripts/test installs Debian's prometheus package; or set VK_PROMETHEUS)");
        String node = Names.unique("vk-prom");
        String pod = Names.unique("scraped");
        CoreV1Api admin = new CoreV1Api(plane.adminClient());
        Process prometheus = null;
        try (VirtualKubelet agent = start(plane, node)) {
            int target = agent.metricsAddress().orElseThrow().getPort();
            int web;
            try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                web = s.getLocalPort();
            }
            Path config = Files.writeString(dir.resolve("prometheus.yml"), """
                    global:
                      scrape_interval: 1s
                      scrape_timeout: 1s
                    scrape_configs:
                      - job_name: virtual-kubelet
                        static_configs:
                          - targets: ['127.0.0.1:%d']
                    """.formatted(target));
            prometheus = new ProcessBuilder(binary.toString(), "--config.file=" + config,
                    "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + web)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
            admin.createNamespacedPod("default", pod(pod, node)).execute();
            String base = "http://127.0.0.1:" + web;
            Await.until(WAIT, "Prometheus reports the target up", () -> get(base + "/api/v1/targets")
                    .map(b -> b.contains("\"health\":\"up\"")).orElse(false));
            String result = Await.until(WAIT, "PromQL over the pod start latency histogram returns data", () ->
                    get(base + "/api/v1/query?query=vk_pod_start_duration_seconds_bucket")
                            .filter(b -> b.contains("\"status\":\"success\"") && b.contains("\"le\"")));
            assertTrue(result.contains("vk_pod_start_duration_seconds_bucket"), result);
        } finally {
            if (prometheus != null) {
                prometheus.destroy();
                prometheus.waitFor(10, TimeUnit.SECONDS);
                prometheus.destroyForcibly();
            }
            admin.deleteNamespacedPod(pod, "default").gracePeriodSeconds(0).execute();
            admin.deleteNode(node).execute();
        }
    }

    private Optional<String> get(String url) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? Optional.of(r.body()) : Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}
