package dev.vkubelet.core.kubeletapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.vkubelet.core.app.VirtualKubelet;
import dev.vkubelet.core.controlplane.LocalControlPlane;
import dev.vkubelet.core.pod.InMemoryProvider;
import dev.vkubelet.core.pod.PodClusterFixture;
import dev.vkubelet.core.testing.LocalControlPlaneExtension;
import dev.vkubelet.provider.StatsSummaryProvider;
import dev.vkubelet.provider.stats.StatsSummary;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import io.kubernetes.client.openapi.models.V1EnvFromSource;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1EnvVarSource;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1SecretEnvSource;
import io.kubernetes.client.openapi.models.V1SecretKeySelector;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The kubelet API under the security issue's conditions, against a real kube-apiserver. */
@ExtendWith(LocalControlPlaneExtension.class)
class KubeletApiSecurityIT {

    private final PodClusterFixture cluster;

    @TempDir
    Path dir;

    KubeletApiSecurityIT(LocalControlPlane plane) throws Exception {
        this.cluster = new PodClusterFixture(plane);
    }

    @AfterEach
    void close() throws Exception {
        cluster.close();
    }

    private static String base(VirtualKubelet agent) {
        return "https://127.0.0.1:" + agent.kubeletApiAddress().orElseThrow().getPort();
    }

    @Test
    void aSecretsValueAppearsInNoAnswerLogSpanEventMetricOrStateFile() throws Exception {
        String value = "s3cr3t-" + UUID.randomUUID();
        cluster.admin().createNamespacedSecret(cluster.namespace(), new V1Secret().metadata(new V1ObjectMeta()
                .name("db")).stringData(Map.of("password", value))).execute();
        Path spans = dir.resolve("spans.jsonl");
        Path state = dir.resolve("mock-state.json");
        Path config = Files.writeString(dir.resolve("mock.yaml"), cluster.node() + ": {stateFile: '" + state + "'}\n");
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        logs.start();
        root.addAppender(logs);
        try {
            VirtualKubelet agent = cluster.startMock(Map.of("VK_TRACE_FILE", spans.toString()), "--trace-exporter",
                    "file", "--trace-sample-rate", "always", "--log-level", "debug", "--provider-config",
                    config.toString());
            V1Pod pod = PodClusterFixture.pod("secretive");
            pod.getSpec().getContainers().get(0).env(List.of(new V1EnvVar().name("DB_PASSWORD").valueFrom(
                    new V1EnvVarSource().secretKeyRef(new V1SecretKeySelector().name("db").key("password")))))
                    .envFrom(List.of(new V1EnvFromSource().prefix("FROM_").secretRef(new V1SecretEnvSource()
                            .name("db"))));
            cluster.create(pod);
            cluster.awaitRunning("secretive");
            // the value did reach the backend: the mock's shell prints the environment it runs with
            String env = String.join("\n", cluster.kubectl("exec", "-n", cluster.namespace(), "secretive", "--",
                    "env"));
            assertTrue(env.contains("DB_PASSWORD=" + value) && env.contains("FROM_password=" + value), env);

            HttpClient masters = KubeletClients.withCertificate(cluster.plane(), "leak-test",
                    List.of("system:masters"));
            List<String> answers = new ArrayList<>();
            for (String path : List.of("/pods", "/runningpods/", "/metrics", "/stats/summary", "/metrics/resource",
                    "/containerLogs/" + cluster.namespace() + "/secretive/app")) {
                HttpResponse<String> answer = KubeletClients.get(masters, base(agent) + path, Map.of());
                assertEquals(200, answer.statusCode(), path + ": " + answer.body());
                answers.add(path + " " + answer.body());
            }
            String pods = answers.get(0) + answers.get(1);
            assertTrue(pods.contains("\"secretive\"") && pods.contains("\"secretKeyRef\""),
                    "the pod lists do not show the pod with its references: " + pods);
            for (String answer : answers) {
                assertFalse(answer.contains(value), "a kubelet API answer holds the Secret's value: " + answer);
            }
            String viaApiServer = String.join("\n", cluster.kubectl("get", "--raw", "/api/v1/nodes/" + cluster.node()
                    + "/proxy/pods"));
            assertTrue(viaApiServer.contains("secretive") && !viaApiServer.contains(value), viaApiServer);

            assertTrue(Files.readString(state).contains("secretive"), "the state file does not hold the pod");
            assertFalse(Files.readString(state).contains(value), "the mock's state file holds the Secret's value");
            String events = JSON.serialize(cluster.admin().listNamespacedEvent(cluster.namespace()).execute());
            assertTrue(events.contains("secretive"), "no events for the pod: " + events);
            assertFalse(events.contains(value), "an event holds the Secret's value");
            cluster.stop(agent); // flushes the span file
            String traced = Files.readString(spans);
            assertTrue(traced.contains("provider.PodLifecycleHandler.createPod"), "no spans were written");
            assertFalse(traced.contains(value), "a span holds the Secret's value");
        } finally {
            root.detachAppender(logs);
            logs.stop();
        }
        assertTrue(logs.list.size() > 10, "no logs were captured");
        for (ILoggingEvent event : logs.list) {
            String line = event.getFormattedMessage() + (event.getThrowableProxy() == null ? ""
                    : ThrowableProxyUtil.asString(event.getThrowableProxy()));
            assertFalse(line.contains(value), "a log line holds the Secret's value: " + line);
        }
    }

    @Test
    void execAttachAndPortForwardNeedCreateAndPodsTakesNodesPods() throws Exception {
        VirtualKubelet agent = cluster.startMock();
        cluster.create("guarded");
        cluster.awaitRunning("guarded");
        String ns = cluster.namespace();
        String getProxy = KubeletClients.tokenWith(cluster.plane(), ns, "get-proxy", "nodes/proxy", List.of("get"));
        String createProxy = KubeletClients.tokenWith(cluster.plane(), ns, "create-proxy", "nodes/proxy",
                List.of("create"));
        String getPods = KubeletClients.tokenWith(cluster.plane(), ns, "get-pods", "nodes/pods", List.of("get"));
        HttpClient client = KubeletClients.anonymous();
        String exec = base(agent).replace("https:", "wss:") + "/exec/" + ns + "/guarded/app?command=echo&command=hi"
                + "&output=1";
        assertEquals(403, webSocketStatus(client, exec, getProxy), "get nodes/proxy ran a command");
        assertEquals(403, webSocketStatus(client, base(agent).replace("https:", "wss:") + "/attach/" + ns
                + "/guarded/app?output=1", getProxy), "get nodes/proxy attached");
        assertEquals(403, webSocketStatus(client, base(agent).replace("https:", "wss:") + "/portForward/" + ns
                + "/guarded?port=8080", getProxy), "get nodes/proxy forwarded a port");
        assertEquals(101, webSocketStatus(client, exec, createProxy), "create nodes/proxy could not exec");
        HttpResponse<String> forbidden = KubeletClients.get(client, base(agent) + "/exec/" + ns + "/guarded/app"
                + "?command=ls&output=1", Map.of("Authorization", "Bearer " + getProxy));
        assertEquals(403, forbidden.statusCode(), forbidden.body());
        assertTrue(forbidden.body().contains("verb=create"), forbidden.body());

        HttpResponse<String> pods = KubeletClients.get(client, base(agent) + "/pods", Map.of("Authorization",
                "Bearer " + getPods));
        assertEquals(200, pods.statusCode(), pods.body());
        assertTrue(pods.body().contains("\"guarded\""), pods.body());
        assertEquals(200, KubeletClients.get(client, base(agent) + "/pods", Map.of("Authorization",
                "Bearer " + getProxy)).statusCode(), "nodes/proxy no longer reads /pods");
        assertEquals(403, KubeletClients.get(client, base(agent) + "/runningpods/", Map.of("Authorization",
                "Bearer " + getPods)).statusCode(), "nodes/pods must not grant more than /pods");
        assertEquals(403, KubeletClients.get(client, base(agent) + "/containerLogs/" + ns + "/guarded/app",
                Map.of("Authorization", "Bearer " + getPods)).statusCode());
    }

    /** The status of a WebSocket handshake: 101 when it opened, else the HTTP status refused with. */
    private static int webSocketStatus(HttpClient client, String url, String token) throws Exception {
        try {
            java.net.http.WebSocket socket = client.newWebSocketBuilder().header("Authorization", "Bearer " + token)
                    .subprotocols("v4.channel.k8s.io").buildAsync(java.net.URI.create(url),
                            new java.net.http.WebSocket.Listener() {}).get(30, TimeUnit.SECONDS);
            socket.abort();
            return 101;
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof java.net.http.WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw e;
        }
    }

    @Test
    void tenThousandBogusTokensCostBoundedReviewsWhileTheLeaseStaysFresh() throws Exception {
        VirtualKubelet agent = cluster.startMock();
        String url = base(agent) + "/pods";
        CoordinationV1Api leases = new CoordinationV1Api(cluster.plane().adminClient());
        AtomicBoolean flooding = new AtomicBoolean(true);
        List<Duration> gaps = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread watcher = new Thread(() -> {
            OffsetDateTime last = null;
            long lastChange = System.nanoTime();
            while (flooding.get()) {
                try {
                    OffsetDateTime renewed = leases.readNamespacedLease(cluster.node(), "kube-node-lease").execute()
                            .getSpec().getRenewTime();
                    long now = System.nanoTime();
                    if (!renewed.equals(last)) {
                        if (last != null) {
                            gaps.add(Duration.ofNanos(now - lastChange));
                        }
                        last = renewed;
                        lastChange = now;
                    }
                    Thread.sleep(100);
                } catch (Exception e) {
                    gaps.add(Duration.ofDays(1));
                    return;
                }
            }
        });
        watcher.start();
        AtomicInteger unauthorized = new AtomicInteger();
        AtomicInteger throttled = new AtomicInteger();
        AtomicInteger other = new AtomicInteger();
        long started = System.nanoTime();
        ExecutorService senders = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                int first = t;
                done.add(senders.submit(() -> {
                    HttpClient client = KubeletClients.anonymous();
                    for (int i = first; i < 10_000; i += 16) {
                        int code = KubeletClients.get(client, url, Map.of("Authorization", "Bearer bogus-" + i + "-"
                                + UUID.randomUUID())).statusCode();
                        (code == 401 ? unauthorized : code == 429 ? throttled : other).incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(10, TimeUnit.MINUTES);
            }
        } finally {
            senders.shutdownNow();
            flooding.set(false);
            watcher.join();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        assertEquals(0, other.get(), "answers other than 401 and 429");
        assertEquals(10_000, unauthorized.get() + throttled.get());
        double reviews = dev.vkubelet.core.faults.AgentMetrics.apiRequests(agent,
                labels -> labels.contains("resource=\"tokenreviews\""));
        KubeletApiServer.Limits limits = KubeletApiServer.Limits.DEFAULTS;
        double bound = limits.reviewBurst() + limits.reviewsPerSecond() * seconds;
        System.out.printf("bogus token flood: %.1f s, %d answered 401, %d answered 429, %.0f token reviews (bound"
                + " %.0f), longest lease renewal gap %s, heap used %d MiB%n", seconds, unauthorized.get(),
                throttled.get(), reviews, bound, gaps.stream().max(Duration::compareTo).orElse(Duration.ZERO),
                (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
        assertTrue(reviews > 0, "no token review was made: the flood did not reach the reviewer");
        assertTrue(reviews <= bound, reviews + " token reviews in " + seconds + " s, more than the budget's " + bound);
        assertFalse(gaps.isEmpty(), "the lease was not renewed during the flood");
        Duration longest = gaps.stream().max(Duration::compareTo).orElseThrow();
        assertTrue(longest.compareTo(Duration.ofSeconds(5)) < 0, "the lease (renewed every 1 s) went " + longest
                + " without renewal during the flood");
    }

    @Test
    void halfOpenConnectionsAreCappedAndClosedWhileHealthAnswers() throws Exception {
        VirtualKubelet agent = cluster.startMock("--stream-idle-timeout", "3s");
        int port = agent.kubeletApiAddress().orElseThrow().getPort();
        InetAddress other = InetAddress.getByName("127.0.0.2");
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 500; i++) {
                Socket socket = new Socket();
                socket.bind(new InetSocketAddress(other, 0));
                socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                socket.setSoTimeout(30_000);
                sockets.add(socket);
            }
            HttpClient health = KubeletClients.anonymous();
            List<Long> millis = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                long start = System.nanoTime();
                HttpResponse<String> ok = KubeletClients.get(health, base(agent) + "/healthz", Map.of());
                millis.add((System.nanoTime() - start) / 1_000_000);
                assertEquals(200, ok.statusCode());
                assertEquals("ok\n", ok.body());
            }
            System.out.println("healthz with 500 half-open connections open, ms: " + millis);
            long started = System.nanoTime();
            for (Socket socket : sockets) {
                InputStream in = socket.getInputStream();
                try {
                    assertEquals(-1, in.read(), "a half-open connection got data");
                } catch (java.net.SocketException reset) {
                    // closed with a reset: closed all the same
                }
            }
            System.out.printf("all 500 half-open connections closed within %d ms%n",
                    (System.nanoTime() - started) / 1_000_000);
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    /** A provider whose list and stats hang once {@link #hang} is set. */
    static final class HangingProvider extends dev.vkubelet.core.pod.DelegatingProvider.Notifying
            implements StatsSummaryProvider {
        final AtomicBoolean hang = new AtomicBoolean();
        final CountDownLatch release = new CountDownLatch(1);

        HangingProvider() {
            super(new InMemoryProvider(true));
        }

        private void maybeHang() {
            if (hang.get()) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public List<V1Pod> getPods() {
            maybeHang();
            return super.getPods();
        }

        @Override
        public StatsSummary getStatsSummary() {
            maybeHang();
            throw new IllegalStateException("not reached in this test");
        }
    }

    @Test
    void aHungProviderAnswers504AfterTheDeadlineAndHealthStaysUp() throws Exception {
        HangingProvider provider = new HangingProvider();
        VirtualKubelet agent = cluster.startEmbedded(provider, "--runtime-request-timeout", "1s");
        cluster.create("listed");
        cluster.awaitRunning("listed");
        provider.hang.set(true);
        try {
            HttpClient masters = KubeletClients.withCertificate(cluster.plane(), "hung-test",
                    List.of("system:masters"));
            for (String path : List.of("/runningpods/", "/stats/summary")) {
                long start = System.nanoTime();
                HttpResponse<String> late = KubeletClients.get(masters, base(agent) + path, Map.of());
                long took = (System.nanoTime() - start) / 1_000_000;
                assertEquals(504, late.statusCode(), path + ": " + late.body());
                assertTrue(late.body().startsWith("Gateway timeout: provider call") && late.body().contains("timed out after 1 s"),
                        late.body());
                assertTrue(took >= 1000, path + " answered 504 before the deadline: " + took + " ms");
            }
            assertEquals(200, KubeletClients.get(KubeletClients.anonymous(), base(agent) + "/healthz", Map.of())
                    .statusCode());
            HttpResponse<String> pods = KubeletClients.get(masters, base(agent) + "/pods", Map.of());
            assertEquals(200, pods.statusCode(), "/pods needs no provider call");
            assertTrue(pods.body().contains("\"listed\""), pods.body());
        } finally {
            provider.release.countDown();
        }
    }

    @Test
    void onlyAuthenticatedCallersContinueTracesAndNeverRecordsNothing() throws Exception {
        Path spans = dir.resolve("rate.jsonl");
        VirtualKubelet agent = cluster.startMock(Map.of("VK_TRACE_FILE", spans.toString()), "--trace-exporter",
                "file", "--trace-sample-rate", "0.0001", "--anonymous-auth", "true");
        HttpClient masters = KubeletClients.withCertificate(cluster.plane(), "trace-test", List.of("system:masters"));
        HttpClient anonymous = KubeletClients.anonymous();
        String authenticated = "463ac35c9f6413ad48485a3953bb6124";
        String bogus = "5b8aa5a2d2c872e8321cf37308d69df2";
        String unauthenticated = "0af7651916cd43dd8448eb211c80319c";
        assertEquals(200, KubeletClients.get(masters, base(agent) + "/pods", traceparent(authenticated)).statusCode());
        assertEquals(401, KubeletClients.get(anonymous, base(agent) + "/pods", merged(traceparent(bogus),
                Map.of("Authorization", "Bearer not-a-token"))).statusCode());
        assertEquals(403, KubeletClients.get(anonymous, base(agent) + "/pods", traceparent(unauthenticated))
                .statusCode());
        cluster.stop(agent);
        String written = Files.readString(spans);
        assertTrue(written.contains(authenticated), "an authenticated caller's sampled trace was not continued");
        assertFalse(written.contains(bogus), "a caller that failed authentication decided sampling");
        assertFalse(written.contains(unauthenticated), "an anonymous caller decided sampling");

        Path never = dir.resolve("never.jsonl");
        VirtualKubelet silent = cluster.startMock(Map.of("VK_TRACE_FILE", never.toString()), "--trace-exporter",
                "file", "--trace-sample-rate", "never");
        assertEquals(200, KubeletClients.get(masters, base(silent) + "/pods", traceparent(authenticated))
                .statusCode());
        cluster.create("untraced");
        cluster.awaitRunning("untraced");
        cluster.stop(silent);
        String none = Files.exists(never) ? Files.readString(never) : "";
        assertFalse(none.contains("\"traceId\""), "--trace-sample-rate never exported spans: " + none);
    }

    private static Map<String, String> traceparent(String traceId) {
        return Map.of("traceparent", "00-" + traceId + "-b7ad6b7169203331-01");
    }

    private static Map<String, String> merged(Map<String, String> a, Map<String, String> b) {
        Map<String, String> all = new java.util.HashMap<>(a);
        all.putAll(b);
        return all;
    }
}
