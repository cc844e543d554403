package dev.vkubelet.core.providers;

import static dev.vkubelet.core.pod.PodClusterFixture.WAIT;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.vkubelet.core.app.VirtualKubelet;
import dev.vkubelet.core.pod.PodClusterFixture;
import dev.vkubelet.provider.testkit.Await;
import io.kubernetes.client.openapi.models.V1Pod;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the cloud provider ITs share: config files, job pods, phases, emulator state, scrapes. */
public final class CloudPods {

    private CloudPods() {}

    /** Writes {@code yaml} to a new file in {@code dir}. */
    public static String config(Path dir, String yaml) throws IOException {
        Path file = Files.createTempFile(dir, "provider", ".yaml");
        Files.writeString(file, yaml);
        return file.toString();
    }

    /** A pod whose container runs {@code sh -c script} and is not restarted. */
    public static V1Pod job(String name, String script) {
        V1Pod pod = PodClusterFixture.pod(name);
        pod.getSpec().restartPolicy("Never").getContainers().get(0).command(List.of("sh", "-c", script));
        return pod;
    }

    public static V1Pod awaitPhase(PodClusterFixture cluster, String name, String phase) {
        return Await.until(WAIT, name + " " + phase, () -> cluster.read(name)
                .filter(p -> p.getStatus() != null && phase.equals(p.getStatus().getPhase())));
    }

    /** Every message of the cause chain, for checking what a failed start-up said. */
    public static String messages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append(" | ");
        }
        return all.toString();
    }

    /** {@code GET <emulator>/emulator/state} as JSON. */
    public static JsonObject state(EmulatorProcess emulator) throws IOException, InterruptedException {
        return JsonParser.parseString(emulator.get("/emulator/state")).getAsJsonObject();
    }

    /** The agent's {@code /metrics} text. */
    public static String metrics(VirtualKubelet agent) throws IOException, InterruptedException {
        int port = agent.metricsAddress().orElseThrow().getPort();
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The sum of a counter's series in a {@code /metrics} text; 0 when it has none. */
    public static double counter(String metrics, String name) {
        return metrics.lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    /**
     * The trace of the host's {@code provider.PodLifecycleHandler.createPod} span for pod
     * {@code name}, once the file exporter has written it to {@code spans}.
     */
    public static String createTrace(java.nio.file.Path spans, String name) {
        return dev.vkubelet.provider.testkit.Await.until(PodClusterFixture.WAIT, "the create span of " + name
                + " in " + spans, () -> {
                    try {
                        return java.nio.file.Files.exists(spans) ? java.nio.file.Files.readAllLines(spans).stream()
                                .map(l -> JsonParser.parseString(l).getAsJsonObject())
                                .filter(o -> "provider.PodLifecycleHandler.createPod".equals(o.get("name").getAsString())
                                        && name.equals(o.getAsJsonObject("attributes").get("pod").getAsString()))
                                .map(o -> o.get("traceId").getAsString()).findFirst() : java.util.Optional.empty();
                    } catch (IOException e) {
                        return java.util.Optional.empty();
                    }
                });
    }

    /** The trace headers the emulator recorded for requests whose operation starts with {@code operation}. */
    public static List<JsonObject> traceHeaders(EmulatorProcess emulator, String operation)
            throws IOException, InterruptedException {
        List<JsonObject> found = new java.util.ArrayList<>();
        state(emulator).getAsJsonArray("traceHeaders").forEach(e -> {
            if (e.getAsJsonObject().get("operation").getAsString().startsWith(operation)) {
                found.add(e.getAsJsonObject());
            }
        });
        return found;
    }

    /** The names of the spans in {@code spans} that link to trace {@code trace}, once one of {@code names} does. */
    public static List<String> linkingTo(java.nio.file.Path spans, String trace, List<String> names) {
        return dev.vkubelet.provider.testkit.Await.until(PodClusterFixture.WAIT, "a span of " + names + " linked to "
                + trace, () -> {
                    try {
                        List<String> found = java.nio.file.Files.readAllLines(spans).stream()
                                .map(l -> JsonParser.parseString(l).getAsJsonObject())
                                .filter(o -> o.has("links") && o.getAsJsonArray("links").asList().stream()
                                        .anyMatch(k -> trace.equals(k.getAsJsonObject().get("traceId").getAsString())))
                                .map(o -> o.get("name").getAsString()).toList();
                        return found.stream().anyMatch(names::contains) ? java.util.Optional.of(found)
                                : java.util.Optional.empty();
                    } catch (IOException e) {
                        return java.util.Optional.empty();
                    }
                });
    }
}
