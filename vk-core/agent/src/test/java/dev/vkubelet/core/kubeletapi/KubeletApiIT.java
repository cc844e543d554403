package dev.vkubelet.core.kubeletapi;

import static dev.vkubelet.core.kubeletapi.KubeletClients.get;
import static dev.vkubelet.core.pod.PodClusterFixture.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import dev.vkubelet.core.app.VirtualKubelet;
import dev.vkubelet.core.controlplane.LocalControlPlane;
import dev.vkubelet.core.pod.PodClusterFixture;
import dev.vkubelet.core.testing.LocalControlPlaneExtension;
import dev.vkubelet.provider.testkit.Await;
import io.kubernetes.client.openapi.models.AuthenticationV1TokenRequest;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.openapi.models.V1TokenRequestSpec;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** kubectl and direct requests through the kubelet API of a mock node, against a real kube-apiserver. */
@ExtendWith(LocalControlPlaneExtension.class)
class KubeletApiIT {

    private final PodClusterFixture cluster;

    @TempDir
    Path dir;

    KubeletApiIT(LocalControlPlane plane) throws Exception {
        this.cluster = new PodClusterFixture(plane);
    }

    @AfterEach
    void close() throws Exception {
        cluster.close();
    }

    private List<String> kubectl(String... args) throws Exception {
        return cluster.kubectl(args);
    }

    @Test
    void kubectlLogsWithTailTimestampsLimitAndFollow() throws Exception {
        cluster.startMock();
        cluster.create("logged");
        cluster.awaitRunning("logged");
        String ns = cluster.namespace();

        List<String> all = kubectl("logs", "-n", ns, "logged");
        assertEquals(100, all.size());
        assertEquals("mock log line 1 of " + ns + "/logged/app", all.get(0));
        assertEquals(List.of("mock log line 99 of " + ns + "/logged/app", "mock log line 100 of " + ns + "/logged/app"),
                kubectl("logs", "-n", ns, "logged", "--tail", "2"));
        String stamped = kubectl("logs", "-n", ns, "logged", "--tail", "1", "--timestamps").get(0);
        assertTrue(stamped.matches("\\d{4}-\\d\\d-\\d\\dT\\S+Z mock log line 100 .*"), stamped);
        assertEquals(List.of("mock log l"), kubectl("logs", "-n", ns, "logged", "--limit-bytes", "10"));
        assertEquals(100, kubectl("logs", "-n", ns, "logged", "--since", "1h").size());

        Process follow = new ProcessBuilder(cluster.plane().kubectl().toString(), "--kubeconfig", cluster.plane().adminKubeconfig().toString(),
                "logs", "-f", "-n", ns, "logged", "--tail", "1").redirectErrorStream(true).start();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(follow.getInputStream(),
                StandardCharsets.UTF_8))) {
            assertEquals("mock log line 100 of " + ns + "/logged/app", in.readLine());
            assertEquals("mock log line 101 of " + ns + "/logged/app", in.readLine());
            assertEquals("mock log line 102 of " + ns + "/logged/app", in.readLine());
        } finally {
            follow.destroy();
            assertTrue(follow.waitFor(30, TimeUnit.SECONDS), "kubectl logs -f did not stop");
        }
    }

    private record Result(int code, String output) {}

    private Result kubectlWithInput(String input, String... args) throws Exception {
        return kubectlWithInput(Map.of(), input, args);
    }

    private Result kubectlWithInput(Map<String, String> env, String input, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(cluster.plane().kubectl().toString(), "--kubeconfig",
                cluster.plane().adminKubeconfig().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process p = builder.start();
        try (java.io.OutputStream in = p.getOutputStream()) {
            in.write(input.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "kubectl did not end: " + out);
        return new Result(p.exitValue(), out);
    }

    @Test
    void kubectlExecAndAttachRunWithStdinAndExitCodes() throws Exception {
        cluster.startMock();
        cluster.create("shell");
        cluster.awaitRunning("shell");
        String ns = cluster.namespace();
        Result echo = kubectlWithInput("", "exec", "-n", ns, "shell", "--", "echo", "hi", "there");
        assertEquals(new Result(0, "hi there\n"), echo);
        Result exit = kubectlWithInput("", "exec", "-n", ns, "shell", "--", "sh", "-c", "echo before; exit 3");
        assertEquals(3, exit.code(), exit.output());
        assertTrue(exit.output().startsWith("before\n"), exit.output());
        Result cat = kubectlWithInput("hello from stdin\n", "exec", "-i", "-n", ns, "shell", "--", "cat");
        assertEquals(new Result(0, "hello from stdin\n"), cat);
        Result attached = kubectlWithInput("echo me\n", "attach", "-i", "-n", ns, "shell", "-c", "app");
        assertEquals(0, attached.code(), attached.output());
        assertTrue(attached.output().contains("echo me"), attached.output());
        Result missing = kubectlWithInput("", "exec", "-n", ns, "shell", "--", "frobnicate");
        assertEquals(127, missing.code(), missing.output());
        assertTrue(missing.output().contains("frobnicate: command not found"), missing.output());
    }

    @Test
    void kubectlExecOverSpdyWhenWebSocketsAreOff() throws Exception {
        cluster.startMock();
        cluster.create("spdy");
        cluster.awaitRunning("spdy");
        String ns = cluster.namespace();
        Map<String, String> spdy = Map.of("KUBECTL_REMOTE_COMMAND_WEBSOCKETS", "false");
        Result echo = kubectlWithInput(spdy, "", "-v=8", "exec", "-n", ns, "spdy", "--", "echo", "over", "spdy");
        assertEquals(0, echo.code(), echo.output());
        assertTrue(echo.output().contains("Upgrade: SPDY/3.1"), "kubectl did not use SPDY: " + echo.output());
        assertTrue(echo.output().endsWith("over spdy\n"), echo.output());
        Result exit = kubectlWithInput(spdy, "", "exec", "-n", ns, "spdy", "--", "sh", "-c", "exit 5");
        assertEquals(5, exit.code(), exit.output());
        assertEquals(new Result(0, "piped\n"), kubectlWithInput(spdy, "piped\n", "exec", "-i", "-n", ns, "spdy", "--",
                "cat"));
        Result attached = kubectlWithInput(spdy, "spdy attach\n", "attach", "-i", "-n", ns, "spdy", "-c", "app");
        assertTrue(attached.output().contains("spdy attach"), attached.output());
    }

    @Test
    void kubectlExecWithATerminalFromAPseudoTerminal() throws Exception {
        cluster.startMock();
        cluster.create("tty");
        cluster.awaitRunning("tty");
        String kubectl = "'" + cluster.plane().kubectl() + "' --kubeconfig " + cluster.plane().adminKubeconfig()
                + " exec -it -n "
                + cluster.namespace() + " tty -- sh -c 'echo in a terminal; tty; exit 4'";
        Process script = new ProcessBuilder("script", "-qec", kubectl, "/dev/null").redirectErrorStream(true).start();
        script.getOutputStream().close();
        String out = new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(script.waitFor(60, TimeUnit.SECONDS), out);
        assertTrue(out.contains("in a terminal"), out);
        assertTrue(out.contains("/dev/pts/0"), "the session was not given a terminal: " + out);
        assertEquals(4, script.exitValue(), out);
        Result plain = kubectlWithInput("", "exec", "-n", cluster.namespace(), "tty", "--", "tty");
        assertEquals(new Result(1, "not a tty\n"), new Result(plain.code(), plain.output().lines().findFirst()
                .orElse("") + "\n"));
    }

    @Test
    void kubectlExecItShIsAnInteractiveShellThatFollowsResizes() throws Exception {
        cluster.startMock();
        var pod = PodClusterFixture.pod("interactive");
        pod.getSpec().getContainers().get(0).addEnvItem(new io.kubernetes.client.openapi.models.V1EnvVar()
                .name("GREETING").value("hello"));
        cluster.create(pod);
        cluster.awaitRunning("interactive");
        Path resized = dir.resolve("resize-now");
        // kubectl on a pseudo-terminal of script(1), 24x80; a job of the same terminal makes it 50x132
        // once the test says so, and the kernel tells kubectl (SIGWINCH), which tells the node
        String session = "stty rows 24 cols 80; (while [ ! -e '" + resized + "' ]; do sleep 0.1; done;"
                + " stty -F /dev/tty rows 50 cols 132) & exec '" + cluster.plane().kubectl() + "' --kubeconfig "
                + cluster.plane().adminKubeconfig() + " exec -it -n " + cluster.namespace() + " interactive -- sh";
        Process script = new ProcessBuilder("script", "-qec", session, "/dev/null").redirectErrorStream(true).start();
        StringBuffer seen = new StringBuffer();
        Thread reader = new Thread(() -> {
            byte[] buffer = new byte[4096];
            try (var in = script.getInputStream()) {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    seen.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                }
            } catch (java.io.IOException e) {
                // the session ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        var keys = script.getOutputStream();
        try {
            Await.until(WAIT, "the prompt", () -> seen.toString().contains("$ "));
            type(keys, "stty size\r");
            Await.until(WAIT, "the first size", () -> seen.toString().contains("24 80\r\n"));
            type(keys, "echo hi there\r");
            Await.until(WAIT, "echo", () -> seen.toString().contains("echo hi there\r\nhi there\r\n"));
            type(keys, "env\r");
            Await.until(WAIT, "the environment", () -> seen.toString().contains("GREETING=hello\r\n")
                    && seen.toString().contains("HOSTNAME=interactive\r\n"));
            Files.createFile(resized);
            // the resize travels on its own stream: ask until the shell has heard of it
            Await.until(WAIT, "the new size", () -> {
                int before = seen.length();
                type(keys, "stty size\r");
                Await.until(WAIT, "an answer", () -> seen.indexOf("$ ", before) >= 0);
                return seen.toString().contains("50 132\r\n");
            });
            type(keys, "exit 5\r");
            assertTrue(script.waitFor(60, TimeUnit.SECONDS), "the session did not end: " + seen);
            assertEquals(5, script.exitValue(), "kubectl's exit code is the shell's: " + seen);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; the terminal showed: " + seen, e);
        } finally {
            script.destroyForcibly();
        }
    }

    private static void type(java.io.OutputStream keys, String text) {
        try {
            keys.write(text.getBytes(StandardCharsets.UTF_8));
            keys.flush();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void anonymousCallersAreAuthorisedAndMissingCapabilitiesAnswer501() throws Exception {
        VirtualKubelet agent = cluster.startEmbedded(new dev.vkubelet.core.pod.InMemoryProvider(true),
                "--anonymous-auth", "true");
        cluster.create("plain");
        cluster.awaitRunning("plain");
        String base = "https://127.0.0.1:" + agent.kubeletApiAddress().orElseThrow().getPort();
        HttpResponse<String> anonymous = get(KubeletClients.anonymous(), base + "/pods", Map.of());
        assertEquals(403, anonymous.statusCode(), anonymous.body());
        assertTrue(anonymous.body().contains("user=system:anonymous"), anonymous.body());
        HttpClient masters = KubeletClients.withCertificate(cluster.plane(), "caps-test", List.of("system:masters"));
        for (String path : List.of("/containerLogs/" + cluster.namespace() + "/plain/app", "/stats/summary",
                "/metrics/resource")) {
            HttpResponse<String> missing = get(masters, base + path, Map.of());
            assertEquals(501, missing.statusCode(), path + ": " + missing.body());
            assertTrue(missing.body().contains("does not support"), missing.body());
        }
    }

    @Test
    void anIdleStreamIsClosedAfterTheIdleTimeout() throws Exception {
        cluster.startMock("--stream-idle-timeout", "1s");
        cluster.create("idle");
        cluster.awaitRunning("idle");
        // kubectl 1.20 exits 0 when the connection closes without a status, newer ones non-zero: what
        // tells is that the session never saw what the command did after 3 silent seconds
        Result quiet = kubectlWithInput("", "exec", "-n", cluster.namespace(), "idle", "--", "sh", "-c",
                "sleep 3; echo late; exit 7");
        assertFalse(quiet.output().contains("late") || quiet.code() == 7,
                "a 3 s silent exec survived a 1 s idle timeout: " + quiet);
        assertEquals(new Result(0, "still fine\n"), kubectlWithInput("", "exec", "-n", cluster.namespace(), "idle",
                "--", "echo", "still fine"));
    }

    @Test
    void aPortForwardSessionWithoutStreamsIsClosedAfterTheCreationTimeout() throws Exception {
        VirtualKubelet agent = cluster.startMock("--stream-creation-timeout", "1s");
        cluster.create("unused");
        cluster.awaitRunning("unused");
        SSLContext context = KubeletClients.sslContext(cluster.plane(), "pf-test", List.of("system:masters"));
        int port = agent.kubeletApiAddress().orElseThrow().getPort();
        try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) context.getSocketFactory()
                .createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            String request = "POST /portForward/" + cluster.namespace() + "/unused HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Connection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: portforward.k8s.io\r\n"
                    + "Content-Length: 0\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            java.io.InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                assertTrue(b >= 0, "closed before the 101: " + head);
                head.append((char) b);
            }
            assertTrue(head.toString().startsWith("HTTP/1.1 101"), head.toString());
            byte[] buffer = new byte[4096];
            int n = 0;
            while (n >= 0) {
                n = in.read(buffer);
            }
        } catch (java.net.SocketTimeoutException e) {
            throw new AssertionError("the session without streams was not closed", e);
        }
    }

    @Test
    void kubectlPortForwardReachesTheMocksEchoServer() throws Exception {
        cluster.startMock();
        cluster.create("forwarded");
        cluster.awaitRunning("forwarded");
        Process forward = new ProcessBuilder(cluster.plane().kubectl().toString(), "--kubeconfig", cluster.plane().adminKubeconfig().toString(),
                "port-forward", "-n", cluster.namespace(), "pod/forwarded", ":8080").redirectErrorStream(true).start();
        java.util.concurrent.BlockingQueue<String> said = new java.util.concurrent.LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(forward.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String l = out.readLine(); l != null; l = out.readLine()) {
                    said.add(l);
                }
            } catch (java.io.IOException e) {
                said.add("(output ended: " + e + ")");
            }
        });
        reader.setDaemon(true);
        reader.start();
        try {
            String line = said.poll(60, TimeUnit.SECONDS);
            assertTrue(line != null && line.startsWith("Forwarding from 127.0.0.1:"), String.valueOf(line));
            int port = Integer.parseInt(line.substring("Forwarding from 127.0.0.1:".length()).split(" ")[0]);
            for (String message : List.of("ping", "second connection")) {
                try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
                    socket.setSoTimeout(30_000);
                    socket.getOutputStream().write((message + "\n").getBytes(StandardCharsets.UTF_8));
                    socket.getOutputStream().flush();
                    BufferedReader echo = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                            StandardCharsets.UTF_8));
                    assertEquals(message, echo.readLine());
                } catch (java.io.IOException e) {
                    List<String> rest = new ArrayList<>();
                    for (String l = said.poll(2, TimeUnit.SECONDS); l != null; l = said.poll(2, TimeUnit.SECONDS)) {
                        rest.add(l);
                    }
                    throw new AssertionError("port-forward connection failed; kubectl said: " + rest, e);
                }
            }
        } finally {
            forward.destroy();
            assertTrue(forward.waitFor(30, TimeUnit.SECONDS));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void statsSummaryAndResourceMetricsThroughTheApiServer() throws Exception {
        cluster.startMock();
        cluster.create("stats");
        cluster.awaitRunning("stats");
        String node = cluster.node();
        Map<String, Object> summary = new Gson().fromJson(String.join("\n",
                kubectl("get", "--raw", "/api/v1/nodes/" + node + "/proxy/stats/summary")), Map.class);
        assertEquals(node, ((Map<String, Object>) summary.get("node")).get("nodeName"));
        List<Map<String, Object>> pods = (List<Map<String, Object>>) summary.get("pods");
        Map<String, Object> pod = pods.stream().filter(p -> "stats".equals(((Map<String, Object>) p.get("podRef"))
                .get("name"))).findFirst().orElseThrow();
        assertEquals("app", ((Map<String, Object>) ((List<Object>) pod.get("containers")).get(0)).get("name"));

        String metrics = String.join("\n", kubectl("get", "--raw", "/api/v1/nodes/" + node + "/proxy/metrics/resource"));
        assertTrue(metrics.contains("container_cpu_usage_seconds_total{container=\"app\",namespace=\""
                + cluster.namespace() + "\",pod=\"stats\"}"), metrics);
        assertTrue(metrics.contains("node_memory_working_set_bytes "), metrics);
        assertTrue(metrics.contains("scrape_error 0"), metrics);
        assertTrue(kubectl("get", "--raw", "/api/v1/nodes/" + node + "/proxy/pods").get(0).contains("\"stats\""));
    }

    /**
     * Starts a mock agent that writes every span to {@code spans}, runs pod {@code pod} on it, and
     * returns its kubelet API's base URL.
     */
    private String tracedAgentWithPod(Path spans, String pod) throws Exception {
        VirtualKubelet agent = cluster.startMock(Map.of("VK_TRACE_FILE", spans.toString()), "--trace-exporter", "file",
                "--trace-sample-rate", "always");
        cluster.create(pod);
        cluster.awaitRunning(pod);
        return "https://127.0.0.1:" + agent.kubeletApiAddress().orElseThrow().getPort();
    }

    @Test
    void streamSessionsAndLogsContinueTheTraceOfTheirRequest() throws Exception {
        Path spans = dir.resolve("stream-spans.jsonl");
        String base = tracedAgentWithPod(spans, "streams");
        HttpClient masters = KubeletClients.withCertificate(cluster.plane(), "kubelet-api-test",
                List.of("system:masters"));
        String execTrace = "11111111111111111111111111111111";
        String logsTrace = "22222222222222222222222222222222";
        String forwardTrace = "33333333333333333333333333333333";

        java.util.concurrent.CompletableFuture<Integer> closed = new java.util.concurrent.CompletableFuture<>();
        masters.newWebSocketBuilder().subprotocols("v4.channel.k8s.io")
                .header("traceparent", "00-" + execTrace + "-b7ad6b7169203331-01")
                .buildAsync(URI.create(base.replace("https:", "wss:") + "/exec/" + cluster.namespace()
                        + "/streams/app?command=echo&command=traced&output=1"), new java.net.http.WebSocket.Listener() {
                            @Override
                            public java.util.concurrent.CompletionStage<?> onClose(java.net.http.WebSocket ws, int code,
                                    String reason) {
                                closed.complete(code);
                                return null;
                            }
                        }).get(30, TimeUnit.SECONDS);
        assertEquals(1000, closed.get(30, TimeUnit.SECONDS));
        assertEquals(200, get(masters, base + "/containerLogs/" + cluster.namespace() + "/streams/app?tailLines=2",
                Map.of("traceparent", "00-" + logsTrace + "-b7ad6b7169203331-01")).statusCode());
        java.util.concurrent.BlockingQueue<Boolean> opened = new java.util.concurrent.LinkedBlockingQueue<>();
        java.net.http.WebSocket forward = masters.newWebSocketBuilder().subprotocols("v4.channel.k8s.io")
                .header("traceparent", "00-" + forwardTrace + "-b7ad6b7169203331-01")
                .buildAsync(URI.create(base.replace("https:", "wss:") + "/portForward/" + cluster.namespace()
                        + "/streams?port=8080"), new java.net.http.WebSocket.Listener() {
                            @Override
                            public java.util.concurrent.CompletionStage<?> onBinary(java.net.http.WebSocket ws,
                                    java.nio.ByteBuffer data, boolean last) {
                                opened.add(true);
                                ws.request(1);
                                return null;
                            }
                        }).get(30, TimeUnit.SECONDS);
        assertTrue(opened.poll(30, TimeUnit.SECONDS) != null, "the port-forward session did not start");
        forward.sendClose(1000, "").get(30, TimeUnit.SECONDS);

        Map<String, String> wanted = Map.of("provider.ContainerExec.runInContainer", execTrace, "mock.exec", execTrace,
                "kubelet.logStream", logsTrace, "provider.PortForwarder.portForward", forwardTrace);
        Await.until(WAIT, "the sessions' spans in their requests' traces " + wanted, () -> {
            try {
                List<String> lines = Files.exists(spans) ? Files.readAllLines(spans) : List.of();
                return wanted.entrySet().stream().allMatch(w -> lines.stream().anyMatch(l -> l.contains(
                        "\"name\":\"" + w.getKey() + "\"") && l.contains("\"traceId\":\"" + w.getValue() + "\"")));
            } catch (java.io.IOException e) {
                return false;
            }
        });
    }

    @Test
    void directRequestsAreAuthenticatedAuthorisedAndValidated() throws Exception {
        Path spans = dir.resolve("spans.jsonl");
        String base = tracedAgentWithPod(spans, "direct");
        String logs = base + "/containerLogs/" + cluster.namespace() + "/direct/app";

        HttpClient anonymous = KubeletClients.anonymous();
        assertEquals(401, get(anonymous, logs, Map.of()).statusCode());
        assertEquals(200, get(anonymous, base + "/healthz", Map.of()).statusCode());

        io.kubernetes.client.openapi.apis.CoreV1Api admin = cluster.admin();
        admin.createNamespacedServiceAccount(cluster.namespace(), new V1ServiceAccount().metadata(
                new V1ObjectMeta().name("nobody"))).execute();
        String token = admin.createNamespacedServiceAccountToken("nobody", cluster.namespace(),
                new AuthenticationV1TokenRequest().spec(new V1TokenRequestSpec().audiences(List.of())
                        .expirationSeconds(600L))).execute().getStatus().getToken();
        HttpResponse<String> forbidden = get(anonymous, logs, Map.of("Authorization", "Bearer " + token));
        assertEquals(403, forbidden.statusCode(), forbidden.body());
        assertTrue(forbidden.body().contains("subresource=proxy"), forbidden.body());
        assertEquals(401, get(anonymous, logs, Map.of("Authorization", "Bearer not-a-token")).statusCode());

        io.kubernetes.client.openapi.apis.RbacAuthorizationV1Api rbac =
                new io.kubernetes.client.openapi.apis.RbacAuthorizationV1Api(cluster.plane().adminClient());
        String role = "kubelet-api-reader-" + cluster.namespace();
        rbac.createClusterRole(new io.kubernetes.client.openapi.models.V1ClusterRole().metadata(new V1ObjectMeta()
                .name(role)).rules(List.of(new io.kubernetes.client.openapi.models.V1PolicyRule().apiGroups(List.of(""))
                        .resources(List.of("nodes/proxy")).verbs(List.of("get"))))).execute();
        admin.createNamespacedServiceAccount(cluster.namespace(), new V1ServiceAccount().metadata(
                new V1ObjectMeta().name("reader"))).execute();
        rbac.createClusterRoleBinding(new io.kubernetes.client.openapi.models.V1ClusterRoleBinding()
                .metadata(new V1ObjectMeta().name(role)).roleRef(new io.kubernetes.client.openapi.models.V1RoleRef()
                        .apiGroup("rbac.authorization.k8s.io").kind("ClusterRole").name(role))
                .subjects(List.of(new io.kubernetes.client.openapi.models.RbacV1Subject().kind("ServiceAccount")
                        .name("reader").namespace(cluster.namespace())))).execute();
        String readerToken = admin.createNamespacedServiceAccountToken("reader", cluster.namespace(),
                new AuthenticationV1TokenRequest().spec(new V1TokenRequestSpec().audiences(List.of())
                        .expirationSeconds(600L))).execute().getStatus().getToken();
        HttpResponse<String> allowed = get(anonymous, logs + "?tailLines=1", Map.of("Authorization",
                "Bearer " + readerToken));
        assertEquals(200, allowed.statusCode(), allowed.body());
        assertEquals(403, get(anonymous, base + "/stats/summary", Map.of("Authorization", "Bearer " + readerToken))
                .statusCode(), "nodes/proxy must not grant nodes/stats");

        HttpClient masters = KubeletClients.withCertificate(cluster.plane(), "kubelet-api-test",
                List.of("system:masters"));
        HttpResponse<String> ok = get(masters, logs + "?tailLines=1", Map.of());
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals("mock log line 100 of " + cluster.namespace() + "/direct/app\n", ok.body());
        HttpResponse<String> bad = get(masters, logs + "?tailLines=-1", Map.of());
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("tailLines"), bad.body());
        assertEquals(400, get(masters, logs + "?sinceSeconds=5&sinceTime=2026-01-01T00:00:00Z", Map.of()).statusCode());
        assertEquals(404, get(masters, base + "/containerLogs/" + cluster.namespace() + "/ghost/app", Map.of())
                .statusCode());
        assertEquals(404, get(masters, logs.replace("/app", "/nope"), Map.of()).statusCode());
        HttpResponse<String> metrics = get(masters, base + "/metrics", Map.of());
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().contains("vk_pod_start_duration_seconds"), "no agent metrics on the kubelet port");
        assertEquals(401, get(anonymous, base + "/metrics", Map.of()).statusCode());
        HttpResponse<String> exec = get(masters, base + "/exec/" + cluster.namespace() + "/direct/app?command=ls"
                + "&stdout=1", Map.of());
        assertEquals(400, exec.statusCode(), exec.body());
        assertTrue(exec.body().contains("WebSocket or SPDY/3.1 upgrade"), exec.body());
        assertEquals(400, get(masters, base + "/exec/" + cluster.namespace() + "/direct/app?stdout=1", Map.of())
                .statusCode());
        assertEquals(400, get(masters, base + "/portForward/" + cluster.namespace() + "/direct", Map.of())
                .statusCode());
        HttpResponse<String> unknown = get(masters, base + "/no/such/endpoint", Map.of());
        assertEquals(404, unknown.statusCode(), unknown.body());
        HttpResponse<String> huge = masters.send(java.net.http.HttpRequest.newBuilder(URI.create(base + "/pods"))
                .expectContinue(true).POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(new byte[2 << 20]))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(413, huge.statusCode(), "a 2 MiB body: " + huge.body());
        assertEquals(200, get(masters, base + "/pods", Map.of()).statusCode(), "the API stopped serving");

        List<String> texts = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.CompletableFuture<Integer> closed = new java.util.concurrent.CompletableFuture<>();
        masters.newWebSocketBuilder().subprotocols("v4.base64.channel.k8s.io").buildAsync(URI.create(base.replace(
                "https:", "wss:") + "/exec/" + cluster.namespace() + "/direct/app?command=echo&command=b64&output=1"),
                new java.net.http.WebSocket.Listener() {
                    @Override
                    public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket ws,
                            CharSequence data, boolean last) {
                        texts.add(data.toString());
                        ws.request(1);
                        return null;
                    }

                    @Override
                    public java.util.concurrent.CompletionStage<?> onClose(java.net.http.WebSocket ws, int code,
                            String reason) {
                        closed.complete(code);
                        return null;
                    }
                }).get(30, TimeUnit.SECONDS);
        assertEquals(1000, closed.get(30, TimeUnit.SECONDS));
        assertEquals("1" + java.util.Base64.getEncoder().encodeToString("b64\n".getBytes(StandardCharsets.UTF_8)),
                texts.get(0));
        assertTrue(new String(java.util.Base64.getDecoder().decode(texts.get(1).substring(1)), StandardCharsets.UTF_8)
                .contains("\"status\":\"Success\""), texts.toString());

        java.util.concurrent.BlockingQueue<byte[]> binary = new java.util.concurrent.LinkedBlockingQueue<>();
        java.net.http.WebSocket forward = masters.newWebSocketBuilder().subprotocols("v4.channel.k8s.io")
                .buildAsync(URI.create(base.replace("https:", "wss:") + "/portForward/" + cluster.namespace()
                        + "/direct?port=8080"), new java.net.http.WebSocket.Listener() {
                            private final java.io.ByteArrayOutputStream message = new java.io.ByteArrayOutputStream();

                            @Override
                            public java.util.concurrent.CompletionStage<?> onBinary(java.net.http.WebSocket ws,
                                    java.nio.ByteBuffer data, boolean last) {
                                byte[] bytes = new byte[data.remaining()];
                                data.get(bytes);
                                message.writeBytes(bytes);
                                if (last) {
                                    binary.add(message.toByteArray());
                                    message.reset();
                                }
                                ws.request(1);
                                return null;
                            }
                        }).get(30, TimeUnit.SECONDS);
        assertEquals(List.of(0, 0x90, 0x1f), unsigned(binary.poll(30, TimeUnit.SECONDS)));
        assertEquals(List.of(1, 0x90, 0x1f), unsigned(binary.poll(30, TimeUnit.SECONDS)));
        forward.sendBinary(java.nio.ByteBuffer.wrap(new byte[] {0, 'h', 'e', 'y'}), true).get(30, TimeUnit.SECONDS);
        assertEquals(List.of(0, (int) 'h', (int) 'e', (int) 'y'), unsigned(binary.poll(30, TimeUnit.SECONDS)));
        forward.sendClose(1000, "").get(30, TimeUnit.SECONDS);

        String traceId = "463ac35c9f6413ad48485a3953bb6124";
        assertEquals(200, get(masters, base + "/pods", Map.of("X-B3-TraceId", traceId, "X-B3-SpanId",
                "a2fb4a1d1a96d312", "X-B3-Sampled", "1")).statusCode());
        String w3cTrace = "0af7651916cd43dd8448eb211c80319c";
        assertEquals(200, get(masters, base + "/pods", Map.of("traceparent",
                "00-" + w3cTrace + "-b7ad6b7169203331-01")).statusCode());
        Await.until(WAIT, "server spans continuing the B3 and W3C traces", () -> {
            try {
                String text = Files.exists(spans) ? Files.readString(spans) : "";
                return text.contains("\"traceId\":\"" + traceId + "\"") && text.contains("\"traceId\":\"" + w3cTrace
                        + "\"") && text.contains("\"parentSpanId\":\"a2fb4a1d1a96d312\"")
                        && text.contains("kubelet GET /pods");
            } catch (java.io.IOException e) {
                return false;
            }
        });
    }

    private static List<Integer> unsigned(byte[] bytes) {
        assertTrue(bytes != null, "no WebSocket message within 30 s");
        List<Integer> out = new ArrayList<>();
        for (byte b : bytes) {
            out.add(b & 0xff);
        }
        return out;
    }

}
