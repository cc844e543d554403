package dev.vkubelet.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vkubelet.core.app.RunConfig;
import dev.vkubelet.core.kube.KubeAccess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CliTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Map<String, String> env = new HashMap<>();
    private RunConfig ran;
    private String mode;
    private Path kubeconfig;

    @BeforeEach
    void kubeconfig() throws IOException {
        kubeconfig = Files.writeString(dir.resolve("kubeconfig"), "apiVersion: v1\nkind: Config\n");
    }

    private int run(String... args) {
        Cli.Runner runner = config -> {
            ran = config;
            mode = "node";
            return Cli.OK;
        };
        Cli cli = new Cli(env, dir, Optional.of(dir.resolve("install")),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                runner);
        return cli.run(args);
    }

    private String errText() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void defaultsMatchUpstream() {
        assertEquals(Cli.OK, run("--provider", "mock", "--kubeconfig", kubeconfig.toString()));
        assertEquals("node", mode);
        assertEquals("virtual-kubelet", ran.nodeName());
        assertEquals(10250, ran.listenPort());
        assertEquals("linux", ran.operatingSystem());
        assertEquals("cluster.local", ran.clusterDomain());
        assertEquals("", ran.namespace());
        assertEquals(":10255", ran.metricsAddr());
        assertEquals(10, ran.podSyncWorkers());
        assertEquals(Duration.ofMinutes(1), ran.fullResyncPeriod());
        assertEquals(Duration.ofSeconds(30), ran.streamIdleTimeout());
        assertEquals(Duration.ofSeconds(30), ran.streamCreationTimeout());
        assertEquals(Duration.ofSeconds(60), ran.providerTimeout());
        assertEquals(5.0, ran.eventQps());
        assertEquals(10, ran.eventBurst());
        assertEquals("virtual-kubelet.io/provider", ran.taint().getKey());
        assertEquals("mock", ran.taint().getValue());
        assertEquals("NoSchedule", ran.taint().getEffect());
        assertTrue(ran.taintEnabled());
        assertTrue(ran.nodeLeaseEnabled());
        assertEquals("virtual-kubelet", ran.tracing().serviceName());
        assertTrue(ran.tracing().sampleRatePercent().isEmpty());
        assertEquals(dir.resolve("install").resolve("plugins"), ran.pluginDir());
        assertEquals("127.0.0.1", ran.internalIp());
    }

    @Test
    void environmentGivesDefaultsAndFlagsWin() throws IOException {
        Path other = Files.writeString(dir.resolve("other-kubeconfig"), "x");
        env.put("DEFAULT_NODE_NAME", "from-env");
        env.put("KUBELET_PORT", "10300");
        env.put("KUBECONFIG", kubeconfig.toString());
        env.put("VKUBELET_POD_IP", "10.1.2.3");
        env.put("VKUBELET_TAINT_KEY", "example.com/env-key");
        env.put("VKUBELET_TAINT_VALUE", "env-value");
        env.put("VKUBELET_TAINT_EFFECT", "NoExecute");
        assertEquals(Cli.OK, run("--provider", "mock"));
        assertEquals("from-env", ran.nodeName());
        assertEquals(10300, ran.listenPort());
        assertEquals(new KubeAccess.Kubeconfig(kubeconfig), ran.kube());
        assertEquals("10.1.2.3", ran.internalIp());
        assertEquals("example.com/env-key", ran.taint().getKey());
        assertEquals("env-value", ran.taint().getValue());
        assertEquals("NoExecute", ran.taint().getEffect());

        assertEquals(Cli.OK, run("--provider", "mock", "--nodename", "from-flag", "--listen-port", "10400",
                "--kubeconfig", other.toString(), "--taint", "flag-key=flag-value:PreferNoSchedule"));
        assertEquals("from-flag", ran.nodeName());
        assertEquals(10400, ran.listenPort());
        assertEquals(new KubeAccess.Kubeconfig(other), ran.kube());
        assertEquals("flag-key", ran.taint().getKey());
        assertEquals("flag-value", ran.taint().getValue());
        assertEquals("PreferNoSchedule", ran.taint().getEffect());
    }

    @Test
    void exportersNeedTheirSettings() {
        assertEquals(Cli.USAGE, run("--provider", "mock", "--kubeconfig", kubeconfig.toString(),
                "--trace-exporter", "jaeger"));
        assertTrue(errText().contains("--trace-exporter: the jaeger exporter needs JAEGER_ENDPOINT"), errText());
    }

    @Test
    void openTelemetryVariablesNameTheServiceAndJoinTheTags() {
        env.put("OTEL_RESOURCE_ATTRIBUTES", "service.name=from-resource,deployment.environment=prod,team=a%20b");
        assertEquals(Cli.OK, run("--provider", "mock", "--kubeconfig", kubeconfig.toString(), "--nodename", "n1",
                "--trace-exporter", "otlp", "--trace-tag", "team=flag"), errText());
        assertEquals("from-resource", ran.tracing().serviceName(), "service.name is the last fallback");
        assertEquals("prod", ran.tracing().tags().get("deployment.environment"));
        assertEquals("flag", ran.tracing().tags().get("team"), "a --trace-tag wins over the variable");
        assertFalse(ran.tracing().tags().containsKey("service.name"));
        assertEquals(List.of("otlp"), ran.tracing().exporters().stream()
                .map(dev.vkubelet.tracing.exporters.ExporterSettings::name).toList());
        env.put("OTEL_SERVICE_NAME", "from-otel");
        assertEquals(Cli.OK, run("--provider", "mock", "--kubeconfig", kubeconfig.toString()), errText());
        assertEquals("from-otel", ran.tracing().serviceName());
        assertEquals(Cli.OK, run("--provider", "mock", "--kubeconfig", kubeconfig.toString(),
                "--trace-service-name", "from-flag"), errText());
        assertEquals("from-flag", ran.tracing().serviceName(), "the flag wins");
        env.remove("OTEL_SERVICE_NAME");
        env.remove("OTEL_RESOURCE_ATTRIBUTES");
        assertEquals(Cli.OK, run("--provider", "mock", "--kubeconfig", kubeconfig.toString()), errText());
        assertEquals("virtual-kubelet", ran.tracing().serviceName());
        env.put("OTEL_RESOURCE_ATTRIBUTES", "node=elsewhere");
        assertEquals(Cli.USAGE, run("--provider", "mock", "--kubeconfig", kubeconfig.toString()));
        assertTrue(errText().contains("OTEL_RESOURCE_ATTRIBUTES: key 'node' is set by the node agent itself"), errText());
        env.put("OTEL_RESOURCE_ATTRIBUTES", "broken");
        assertEquals(Cli.USAGE, run("--provider", "mock", "--kubeconfig", kubeconfig.toString()));
        assertTrue(errText().contains("OTEL_RESOURCE_ATTRIBUTES: 'broken' is not key=value"), errText());
    }

    @Test
    void acceptsEveryUpstreamFlag() {
        env.put("VK_TRACE_FILE", dir.resolve("spans.jsonl").toString());
        env.put("ZPAGES_PORT", "127.0.0.1:0");
        assertEquals(Cli.OK, run("--provider", "mock", "--kubeconfig", kubeconfig.toString(), "--nodename", "n1",
                "--namespace", "team-a", "--cluster-domain", "example.local", "--os", "Windows",
                "--listen-port", "11250", "--metrics-addr", "127.0.0.1:9999", "--taint", "only-key",
                "--disable-taint", "--enable-node-lease", "false", "--pod-sync-workers", "3",
                "--full-resync-period", "2m", "--startup-timeout", "45s", "--stream-idle-timeout", "1m",
                "--stream-creation-timeout", "10s", "--kube-api-qps", "50", "--kube-api-burst", "100",
                "--event-qps", "0", "--event-burst", "20",
                "--trace-exporter", "file", "--trace-exporter", "zpages,file", "--trace-service-name", "svc",
                "--trace-tag", "a=1", "--trace-tag", "b=x=y", "--trace-sample-rate", "12.5", "--log-level", "DEBUG",
                "--plugin-dir", dir.toString()), errText());
        assertEquals("team-a", ran.namespace());
        assertEquals("windows", ran.operatingSystem());
        assertFalse(ran.taintEnabled());
        assertFalse(ran.nodeLeaseEnabled());
        assertEquals("only-key", ran.taint().getKey());
        assertEquals(3, ran.podSyncWorkers());
        assertEquals(Duration.ofSeconds(45), ran.startupTimeout());
        assertEquals(50.0, ran.kubeApiQps());
        assertEquals(0.0, ran.eventQps());
        assertEquals(20, ran.eventBurst());
        assertEquals(List.of("file", "zpages"), ran.tracing().exporters().stream()
                .map(dev.vkubelet.tracing.exporters.ExporterSettings::name).toList());
        assertEquals(Map.of("provider", "mock", "node", "n1", "os", "windows", "agent", "n1", "a", "1", "b", "x=y"),
                ran.tracing().tags());
        assertEquals(dev.vkubelet.tracing.Granularity.NORMAL, ran.tracing().granularity());
        assertEquals(12.5, ran.tracing().sampleRatePercent().getAsDouble());
        assertEquals(java.util.Set.of(dev.vkubelet.tracing.opencensus.TracingConfig.Propagation.W3C),
                ran.tracing().propagation(), "W3C by default");
        assertEquals("debug", ran.logLevel());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--full-resync-period|soon|--full-resync-period: 'soon' is not a duration",
        "--startup-timeout|-5s|--startup-timeout must not be negative",
        "--provider-timeout|0s|--provider-timeout must be positive, got 0s",
        "--pod-sync-workers|0|--pod-sync-workers must be at least 1, got 0",
        "--pod-sync-workers|many|--pod-sync-workers 'many' is not a whole number",
        "--taint|k=v:Sometimes|taint effect 'Sometimes' is not supported",
        "--taint|bad key|taint key 'bad key' is not a valid qualified name",
        "--trace-tag|novalue|--trace-tag 'novalue' must be key=value",
        "--trace-exporter|carrier-pigeon|--trace-exporter: unknown trace exporter 'carrier-pigeon'",
        "--trace-sample-rate|150|--trace-sample-rate must be between 0 and 100",
        "--os|plan9|--os 'plan9' is not supported",
        "--listen-port|70000|--listen-port must be a port between 0 and 65535",
        "--log-level|loud|--log-level 'loud' is not one of",
        "--nodename|Not_A_Node|--nodename 'Not_A_Node' is not a valid node name",
        "--provider-config|/nonexistent/mock.json|--provider-config /nonexistent/mock.json does not exist",
        "--metrics-addr|nowhere|--metrics-addr 'nowhere' must be host:port",
        "--trace-sample-rate|sometimes|--trace-sample-rate 'sometimes' is not a number",
        "--trace-tag|provider=x|--trace-tag: key 'provider' is set by the node agent itself",
        "--trace-propagation|jaeger|--trace-propagation: 'jaeger' is not a propagation format",
        "--trace-granularity|verbose|--trace-granularity: 'verbose' is not a trace granularity",
        "--stream-idle-timeout|0|--stream-idle-timeout and --stream-creation-timeout must be positive",
        "--event-qps|-1|--event-qps must be >= 0 and --event-burst >= 1",
        "--event-burst|0|--event-qps must be >= 0 and --event-burst >= 1",
        "--event-qps|lots|--event-qps 'lots' is not a number",
        "--node-count|0|--node-count must be between 1 and 10000, got 0",
        "--node-count|many|--node-count 'many' is not a whole number",
    })
    void invalidValuesExitNonZeroWithOneClearLine(String flag, String value, String expected) {
        int status = run("--provider", "mock", "--kubeconfig", kubeconfig.toString(), flag, value);
        assertEquals(Cli.USAGE, status);
        String first = errText().lines().findFirst().orElse("");
        assertTrue(first.startsWith("virtual-kubelet: error: ") && first.contains(expected), errText());
        assertEquals(null, ran);
    }

    @Test
    void nodeCountNamesTheNodesAndLeavesRoomForTheirPorts() {
        assertEquals(Cli.OK, run("--provider", "mock", "--kubeconfig", kubeconfig.toString(), "--nodename", "fleet"));
        assertEquals(List.of("fleet"), ran.nodeNames(), "one node keeps its name");
        assertEquals(Cli.OK, run("--provider", "mock", "--kubeconfig", kubeconfig.toString(), "--nodename", "fleet",
                "--node-count", "3"));
        assertEquals(List.of("fleet-0", "fleet-1", "fleet-2"), ran.nodeNames());
        ran = null;
        assertEquals(Cli.USAGE, run("--provider", "mock", "--kubeconfig", kubeconfig.toString(), "--node-count", "3",
                "--listen-port", "65534"));
        assertTrue(errText().contains("--listen-port 65534 leaves no room for 3 nodes' ports"), errText());
        assertEquals(Cli.USAGE, run("--provider", "mock", "--kubeconfig", kubeconfig.toString(), "--node-count", "2",
                "--rotate-server-certificates", "true"));
        assertTrue(errText().contains("cannot be used with --node-count above 1"), errText());
        assertEquals(null, ran);
    }

    @Test
    void sharingTakesItsIdentityFromTheFlagThePodOrTheHostAndChecksItsSettings() {
        String[] base = {"--provider", "mock", "--kubeconfig", kubeconfig.toString(), "--node-count", "4"};
        assertEquals(Cli.OK, run(base));
        assertTrue(ran.sharing().isEmpty(), "a process serves all its nodes unless told to share them");
        assertEquals(Cli.OK, run(concat(base, "--share-nodes", "--replica-id", "replica-a")));
        RunConfig.Sharing sharing = ran.sharing().orElseThrow();
        assertEquals("replica-a", sharing.replicaId());
        assertEquals("kube-node-lease", sharing.namespace());
        assertEquals(java.time.Duration.ofSeconds(20), sharing.leaseDuration());
        assertEquals(java.time.Duration.ofSeconds(5), sharing.renewInterval(), "a quarter of the lease duration");
        env.put("POD_NAME", "virtual-kubelet-7d9f-abcde");
        assertEquals(Cli.OK, run(concat(base, "--share-nodes", "--ownership-lease-duration", "1m",
                "--ownership-namespace", "vk-system")));
        assertEquals("virtual-kubelet-7d9f-abcde", ran.sharing().orElseThrow().replicaId(), "in a cluster: the pod");
        assertEquals("vk-system", ran.sharing().orElseThrow().namespace());
        assertEquals(java.time.Duration.ofSeconds(15), ran.sharing().orElseThrow().renewInterval());
        env.remove("POD_NAME");
        assertEquals(Cli.OK, run(concat(base, "--share-nodes")));
        assertTrue(ran.sharing().orElseThrow().replicaId().endsWith("-" + ProcessHandle.current().pid()),
                "elsewhere: the host name and process id, got " + ran.sharing().orElseThrow().replicaId());

        ran = null;
        assertEquals(Cli.USAGE, run(concat(base, "--replica-id", "replica-a")));
        assertTrue(errText().contains("--replica-id names this replica among those that share nodes: it needs"
                + " --share-nodes"), errText());
        assertEquals(Cli.USAGE, run(concat(base, "--share-nodes", "--ownership-lease-duration", "1s")));
        assertTrue(errText().contains("--ownership-lease-duration must be at least 4s, got 1s"), errText());
        assertEquals(Cli.USAGE, run(concat(base, "--share-nodes", "--ownership-namespace", "Not_A_Namespace")));
        assertTrue(errText().contains("--ownership-namespace 'Not_A_Namespace' is not a valid namespace name"),
                errText());
        assertEquals(Cli.USAGE, run(concat(base, "--share-nodes", "--replica-id", " ")));
        assertTrue(errText().contains("--replica-id must not be empty"), errText());
        assertEquals(null, ran);
    }

    private static String[] concat(String[] head, String... tail) {
        String[] all = java.util.Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    @Test
    void sampleRateWordsAndGranularity() {
        assertEquals(Cli.OK, run("--provider", "mock", "--kubeconfig", kubeconfig.toString(),
                "--trace-sample-rate", "always", "--trace-granularity", "FINE"));
        assertEquals(100.0, ran.tracing().sampleRatePercent().getAsDouble());
        assertEquals(dev.vkubelet.tracing.Granularity.FINE, ran.tracing().granularity());
        assertEquals(Cli.OK, run("--provider", "mock", "--kubeconfig", kubeconfig.toString(),
                "--trace-sample-rate", "never"));
        assertEquals(0.0, ran.tracing().sampleRatePercent().getAsDouble());
    }

    @Test
    void duplicateTraceTagIsRejected() {
        assertEquals(Cli.USAGE, run("--provider", "mock", "--kubeconfig", kubeconfig.toString(),
                "--trace-tag", "a=1", "--trace-tag", "a=2"));
        assertTrue(errText().contains("duplicate key 'a'"), errText());
    }

    @Test
    void badEnvironmentIsNamed() {
        env.put("VKUBELET_TAINT_EFFECT", "Never");
        assertEquals(Cli.USAGE, run("--provider", "mock", "--kubeconfig", kubeconfig.toString()));
        assertTrue(errText().contains("VKUBELET_TAINT_*: taint effect 'Never' is not supported"), errText());
        env.remove("VKUBELET_TAINT_EFFECT");
        env.put("APISERVER_CERT_LOCATION", dir.resolve("missing.crt").toString());
        assertEquals(Cli.USAGE, run("--provider", "mock", "--kubeconfig", kubeconfig.toString()));
        assertTrue(errText().contains("the serving certificate and key go together"), errText());
    }

    @Test
    void missingProviderAndUnknownFlagAreUsageErrors() {
        assertEquals(Cli.USAGE, run("--kubeconfig", kubeconfig.toString()));
        assertTrue(errText().contains("--provider is required"), errText());
        assertEquals(Cli.USAGE, run("--provider", "mock", "--no-such-flag"));
        assertTrue(errText().contains("--no-such-flag"), errText());
        assertEquals(Cli.USAGE, run("--provider", "mock", "--kubeconfig", dir.resolve("absent").toString()));
        assertTrue(errText().contains("does not exist or is not readable"), errText());
    }

    @Test
    void withoutKubeconfigTheServiceAccountIsUsed() throws IOException {
        Path account = Files.createDirectories(dir.resolve("sa"));
        Files.writeString(account.resolve("token"), "t");
        Files.writeString(account.resolve("ca.crt"), "c");
        env.put("KUBERNETES_SERVICE_HOST", "fd00::1");
        env.put("KUBERNETES_SERVICE_PORT", "6443");
        env.put("VKUBELET_SERVICE_ACCOUNT_DIR", account.toString());
        assertEquals(Cli.OK, run("--provider", "mock"), errText());
        KubeAccess.InCluster access = (KubeAccess.InCluster) ran.kube();
        assertEquals("https://[fd00::1]:6443", access.url());
        assertEquals(account.resolve("token"), access.tokenFile());
        assertEquals(account.resolve("ca.crt"), access.caFile());

        env.remove("VKUBELET_SERVICE_ACCOUNT_DIR");
        Path standard = Path.of("/var/run/secrets/kubernetes.io/serviceaccount");
        if (Files.isReadable(standard.resolve("token")) && Files.isReadable(standard.resolve("ca.crt"))) {
            assertEquals(Cli.OK, run("--provider", "mock"), errText()); // this test runs in a pod
            assertEquals(standard.resolve("token"), ((KubeAccess.InCluster) ran.kube()).tokenFile());
        } else {
            assertEquals(Cli.USAGE, run("--provider", "mock"));
            assertTrue(errText().contains(standard.resolve("token") + " does not exist"), errText());
        }

        Path other = Files.createDirectories(dir.resolve("other"));
        assertEquals(Cli.USAGE, run("--provider", "mock", "--service-account-dir", other.toString()));
        assertTrue(errText().contains("needs the service account's token, but " + other.resolve("token")), errText());
        env.put("KUBERNETES_SERVICE_PORT", "https");
        assertEquals(Cli.USAGE, run("--provider", "mock"));
        assertTrue(errText().contains("KUBERNETES_SERVICE_PORT 'https' is not a port number"), errText());
        env.remove("KUBERNETES_SERVICE_HOST");
        assertEquals(Cli.USAGE, run("--provider", "mock"));
        assertTrue(errText().contains("not inside a cluster (KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT"),
                errText());
    }

    @Test
    void helpDocumentsEveryFlagWithDefaults() {
        assertEquals(Cli.OK, run("--help"));
        String help = out.toString(StandardCharsets.UTF_8);
        for (String flag : List.of("--nodename", "--provider", "--provider-config", "--kubeconfig", "--namespace",
                "--cluster-domain", "--os", "--listen-port", "--metrics-addr", "--taint", "--disable-taint",
                "--enable-node-lease", "--pod-sync-workers", "--full-resync-period", "--startup-timeout",
                "--provider-timeout", "--stream-idle-timeout", "--stream-creation-timeout", "--kube-api-qps", "--kube-api-burst",
                "--event-qps", "--event-burst", "--trace-exporter", "--trace-service-name", "--trace-tag",
                "--trace-sample-rate",
                "--trace-granularity", "--log-level",
                "--plugin-dir", "--service-account-dir", "--version", "version", "providers")) {
            assertTrue(help.contains(flag), "help lacks " + flag + ":\n" + help);
        }
        assertTrue(help.contains("Default: 10250"), help);
    }

    @Test
    void versionAndProvidersSubcommands() throws IOException {
        assertEquals(Cli.OK, run("version"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("virtual-kubelet for the JVM"));
        out.reset();
        assertEquals(Cli.OK, run("--version"));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("virtual-kubelet for the JVM "), out.toString());
        assertEquals(null, ran, "--version runs no node agent");
        Files.createDirectories(dir.resolve("plugins"));
        Files.writeString(dir.resolve("plugins").resolve("junk.jar"), "not a jar");
        assertEquals(Cli.OK, run("providers", "--plugin-dir", dir.resolve("plugins").toString()));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.matches("(?s).*PLUGIN +VERSION +STATE +PROVIDERS +PATH\n- +- +failed +- +\\S*junk\\.jar\n"
                + " +cannot load: .*"), text);
    }
}
