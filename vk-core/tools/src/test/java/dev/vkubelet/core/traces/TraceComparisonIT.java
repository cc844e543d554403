package dev.vkubelet.core.traces;

import static dev.vkubelet.core.pod.PodClusterFixture.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.vkubelet.core.app.VirtualKubelet;
import dev.vkubelet.core.cli.Cli;
import dev.vkubelet.core.launcher.Launcher;
import dev.vkubelet.core.controlplane.LocalControlPlane;
import dev.vkubelet.core.pod.PodClusterFixture;
import dev.vkubelet.core.providers.CloudPods;
import dev.vkubelet.core.testing.LocalControlPlaneExtension;
import dev.vkubelet.provider.testkit.Await;
import io.kubernetes.client.openapi.models.V1ContainerPort;
import io.kubernetes.client.openapi.models.V1Pod;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.xml.sax.InputSource;

/** {@code virtual-kubelet traces compare} on span files of real runs of the three shipped providers. */
@ExtendWith(LocalControlPlaneExtension.class)
class TraceComparisonIT {

    private static final int PODS = 4;
    private static final String AWS = """
            cluster: traces
            subnets: [subnet-it]
            pollInterval: 200ms
            emulator:
              timeScale: 0.005
            """;
    private static final String AZURE = """
            resourceGroup: traces
            pollInterval: 200ms
            emulator:
              timeScale: 0.005
              requestRates: {reads: 1000, writes: 1000}
            """;

    private final PodClusterFixture cluster;

    @TempDir
    Path dir;

    TraceComparisonIT(LocalControlPlane plane) throws Exception {
        this.cluster = new PodClusterFixture(plane);
    }

    @AfterEach
    void close() throws Exception {
        cluster.close();
    }

    /** Runs PODS pods on a node of {@code provider} with every span written to {@code file}. */
    private void run(String provider, Path file, String... flags) throws Exception {
        List<String> all = new ArrayList<>(List.of("--trace-exporter", "file", "--trace-sample-rate", "always"));
        all.addAll(List.of(flags));
        VirtualKubelet agent = cluster.start(Map.of("VK_TRACE_FILE", file.toString()), provider,
                all.toArray(String[]::new));
        List<String> names = new ArrayList<>();
        for (int i = 0; i < PODS; i++) {
            String name = provider + "-" + i;
            names.add(name);
            V1Pod pod = PodClusterFixture.pod(name);
            // a port, so that ACI gives the container group the IP address a Running pod must have
            pod.getSpec().getContainers().get(0).ports(List.of(new V1ContainerPort().containerPort(80)));
            cluster.create(pod);
        }
        names.forEach(cluster::awaitRunning);
        Await.until(WAIT, "every Running status write of " + provider + " exported", () -> {
            try {
                long written = Files.readAllLines(file).stream().filter(l -> l.contains("\"pod.writeStatus\"")
                        && l.contains("\"phase\":\"Running\"")).count();
                return written >= PODS;
            } catch (IOException e) {
                return false;
            }
        });
        cluster.stop(agent);
        for (String name : names) {
            cluster.admin().deleteNamespacedPod(name, cluster.namespace()).gracePeriodSeconds(0).execute();
        }
        Await.until(WAIT, "the pods of " + provider + " gone, so the next run starts from none",
                () -> names.stream().allMatch(n -> cluster.read(n).isEmpty()));
    }

    /**
     * The p50 of a span name's durations on the file's main node (host spans carry the node), computed
     * here from the raw lines, in ms as the report prints it.
     */
    private static String p50(Path file, String name) throws IOException {
        List<JsonObject> lines = Files.readAllLines(file).stream().map(l -> JsonParser.parseString(l).getAsJsonObject())
                .toList();
        Map<String, Integer> nodes = new java.util.HashMap<>();
        for (JsonObject o : lines) {
            JsonObject attributes = o.getAsJsonObject("attributes");
            if (attributes.has("node")) {
                nodes.merge(attributes.get("node").getAsString(), 1, Integer::sum);
            }
        }
        String node = nodes.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        List<Long> durations = new ArrayList<>();
        for (JsonObject o : lines) {
            JsonObject attributes = o.getAsJsonObject("attributes");
            if (name.equals(o.get("name").getAsString()) && attributes.has("node")
                    && node.equals(attributes.get("node").getAsString())) {
                durations.add(o.get("durationNanos").getAsLong());
            }
        }
        durations.sort(null);
        long median = durations.get((durations.size() + 1) / 2 - 1);
        return String.format(Locale.ROOT, "%.1f", median / 1e6);
    }

    @Test
    void comparesTheMockAwsAndAzureProvidersFromTheirSpanFiles() throws Exception {
        Path mock = dir.resolve("mock.jsonl");
        Path aws = dir.resolve("aws.jsonl");
        Path azure = dir.resolve("azure.jsonl");
        run("mock", mock);
        run("aws", aws, "--provider-config", CloudPods.config(dir, AWS), "--trace-granularity", "fine");
        run("azure", azure, "--provider-config", CloudPods.config(dir, AZURE));
        Path html = dir.resolve("report.html");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = Launcher.cli(Map.of(), dir, Optional.empty(), new PrintStream(out, true, StandardCharsets.UTF_8),
                System.err, NO_NODE, NO_LOCAL).run("traces", "compare", "--html", html.toString(), mock.toString(),
                aws.toString(), azure.toString());
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(Cli.OK, status, text);
        assertTrue(text.contains("mock  (provider mock") && text.contains("aws  (provider aws"), text);
        for (String provider : List.of("mock", "aws", "azure")) {
            assertTrue(text.lines().anyMatch(l -> l.startsWith(provider + "  (provider " + provider)
                    && l.contains(" " + PODS + " pods started on 1 node, 0 incomplete")), "each run started its own pods:\n" + text);
        }
        assertTrue(!text.contains("note:"), "every start has the host's pod.providerRunning mark:\n" + text);
        List<String> provisioning = text.lines().filter(l -> l.startsWith("  backend provisioning")).toList();
        assertEquals(3, provisioning.size(), text);
        for (String cloud : provisioning.subList(1, 3)) {
            // the emulators take at least 70 ms (aws) and 90 ms (azure) at this time scale to run a pod
            assertTrue(!cloud.contains("p50 0.0 "), "a cloud backend's provisioning is named: " + cloud);
        }
        String row = text.lines().filter(l -> l.startsWith("provider.PodLifecycleHandler.createPod ")).findFirst()
                .orElseThrow(() -> new AssertionError("no createPod row in\n" + text));
        String[] cells = row.split("\\|");
        assertEquals(p50(mock, "provider.PodLifecycleHandler.createPod"), cells[1].trim().split(" ")[1], row);
        assertEquals(p50(aws, "provider.PodLifecycleHandler.createPod"), cells[2].trim().split(" ")[1], row);
        assertTrue(text.contains("aws.Ecs.RunTask"), "the plugin's own spans are compared too");
        String page = Files.readString(html);
        DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new InputSource(new StringReader(
                page.substring(page.indexOf('\n') + 1))));
        assertTrue(page.contains(">mock<") && page.contains(">aws<"), "both runs named in the page");
        openInChromium(html);
    }

    /**
     * Loads the page in headless Chromium: it must render our content, and a screenshot is left in
     * {@code target/trace-report.png} for inspection.
     */
    private static void openInChromium(Path html) throws Exception {
        String chromium = Optional.ofNullable(System.getenv("VK_CHROMIUM")).orElse("chromium");
        Path screenshot = Path.of("target", "trace-report.png").toAbsolutePath();
        Files.deleteIfExists(screenshot);
        List<String> common = List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                "--window-size=1400,1400");
        Process dump;
        try {
            List<String> command = new ArrayList<>(common);
            command.addAll(List.of("--dump-dom", html.toUri().toString()));
            dump = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new AssertionError("no chromium to open the report (dist/scripts/test installs Debian's; or set "
                    + "VK_CHROMIUM): " + e.getMessage(), e);
        }
        String dom = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(dump.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) && dump.exitValue() == 0,
                "chromium failed to load the report");
        assertTrue(dom.contains("Trace comparison") && dom.contains("<svg"), "chromium did not render the report");
        for (String part : List.of("Where the start goes", "queue wait", "provider calls", "backend provisioning",
                "status writes", "Median pod's start", "Pod start histogram", "Latency per span name",
                ">provider.PodLifecycleHandler.createPod</text>", ">pod.providerRunning</text>")) {
            assertTrue(dom.contains(part), "the rendered report lacks " + part);
        }
        List<String> command = new ArrayList<>(common);
        command.addAll(List.of("--screenshot=" + screenshot, html.toUri().toString()));
        Process shot = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        assertTrue(shot.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) && shot.exitValue() == 0,
                "chromium failed to take a screenshot");
        assertTrue(Files.size(screenshot) > 10_000, "the screenshot is empty: " + screenshot);
    }

    @Test
    void aMalformedSpanFileIsAUsageErrorNamingFileAndLine() throws IOException {
        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, "{\"traceId\":\"t\"}\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Launcher.cli(Map.of(), dir, Optional.empty(), System.out, new PrintStream(err, true,
                StandardCharsets.UTF_8), NO_NODE, NO_LOCAL).run("traces", "compare", bad.toString());
        assertEquals(Cli.USAGE, status);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains(bad + ":1: no 'spanId'"), err.toString());
    }


    /** The launcher's runners, never used by {@code traces}: it starts no node of its own through them. */
    private static final Cli.Runner NO_NODE = config -> {
        throw new AssertionError("traces must not start a node through the command line's runner");
    };
    private static final Launcher.LocalRunner NO_LOCAL = config -> {
        throw new AssertionError("traces must not start a local node through the command line's runner");
    };
}
