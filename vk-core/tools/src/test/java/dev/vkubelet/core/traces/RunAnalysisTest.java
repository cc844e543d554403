package dev.vkubelet.core.traces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xml.sax.InputSource;

class RunAnalysisTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;

    private static String span(String id, String parent, String name, long startMs, long durationMs, String attributes) {
        return "{\"traceId\":\"t1\",\"spanId\":\"" + id + "\"" + (parent == null ? "" : ",\"parentSpanId\":\"" + parent
                + "\"") + ",\"name\":\"" + name + "\",\"start\":\"" + T0.plusMillis(startMs) + "\",\"durationNanos\":"
                + durationMs * 1_000_000L + ",\"status\":{\"code\":\"OK\"},\"attributes\":{" + attributes + "}}";
    }

    private Path file(String... lines) throws IOException {
        Path file = Files.createTempFile(dir, "spans", ".jsonl");
        Files.write(file, List.of(lines));
        return file;
    }

    private Path onePodRun() throws IOException {
        String pod = "\"namespace\":\"ns\",\"pod\":\"a\"";
        return file(
                span("1", null, "pod.event.add", 0, 1, pod + ",\"provider\":\"mock\""),
                span("2", null, "pod.sync", 2, 10, pod + ",\"waitMillis\":2,\"provider\":\"mock\""),
                span("3", "2", "provider.PodLifecycleHandler.createPod", 3, 5, pod + ",\"provider\":\"mock\""),
                span("4", "3", "mock.createPod", 4, 2, "\"pod\":\"ns/a\""),
                span("5", "4", "mock.scheduleRunning", 5, 1, ""),
                span("10", null, "pod.providerRunning", 12, 0, pod),
                span("6", null, "pod.syncStatus", 13, 6, pod + ",\"waitMillis\":1"),
                span("7", "6", "pod.writeStatus", 15, 4, pod + ",\"phase\":\"Running\""),
                "",
                span("8", null, "pod.event.add", 1, 1, "\"namespace\":\"ns\",\"pod\":\"b\""),
                span("9", null, "node.heartbeat", 0, 3, "\"node\":\"n\""));
    }

    @Test
    void aPodStartIsBrokenDownIntoProviderQueueingWritesAndTheRest() throws IOException {
        Path file = onePodRun();
        RunAnalysis run = RunAnalysis.of(null, file, SpanFile.read(file));
        assertEquals("mock", run.provider());
        assertEquals("mock", run.label());
        assertEquals(10, run.spans());
        assertEquals(1, run.starts().size());
        assertEquals(1, run.incomplete(), "pod b was never written Running");
        RunAnalysis.PodStart a = run.starts().get(0);
        assertEquals("ns/a", a.pod());
        assertEquals(19_000_000L, a.totalNanos());
        assertEquals(5_000_000L, a.providerNanos());
        assertEquals(3_000_000L, a.queueNanos());
        assertEquals(4_000_000L, a.writeNanos());
        assertEquals(4_000_000L, a.provisioningNanos(), "createPod returned at 8 ms, the provider reported Running at 12");
        assertEquals(3_000_000L, a.otherNanos());
        assertEquals(List.of("pod.event.add", "pod.sync", "provider.PodLifecycleHandler.createPod", "mock.createPod",
                "mock.scheduleRunning", "pod.providerRunning", "pod.syncStatus", "pod.writeStatus"),
                a.steps().stream().map(RunAnalysis.Step::name).toList(), "child spans inherit the pod");
        assertEquals(13_000_000L, a.steps().get(6).offsetNanos());
        Stats sync = run.bySpanName().get("pod.sync");
        assertEquals(1, sync.count());
        assertEquals(10_000_000L, sync.p99());
        assertEquals(8, run.spansPerPod().max(), "pod a has eight spans");
        assertEquals(4_000_000L, run.partStats(RunAnalysis.Part.PROVISIONING).p50());
    }

    @Test
    void spansOfAnotherNodeInTheSameFileAreLeftOut() throws IOException {
        String ours = "\"node\":\"n1\",\"namespace\":\"ns\",\"pod\":\"a\"";
        String theirs = "\"node\":\"n2\",\"namespace\":\"ns\",\"pod\":\"z\"";
        Path file = file(
                span("1", null, "pod.event.add", 0, 1, ours),
                span("2", null, "pod.syncStatus", 2, 5, ours),
                span("3", "2", "pod.writeStatus", 3, 2, ours + ",\"phase\":\"Running\""),
                span("6", "2", "provider.PodLifecycleHandler.getPodStatus", 2, 1, ""),
                span("4", null, "pod.event.add", 0, 1, theirs),
                span("5", null, "pod.writeStatus", 3, 2, theirs + ",\"phase\":\"Running\""));
        RunAnalysis run = RunAnalysis.of(null, file, SpanFile.read(file));
        assertEquals(List.of("ns/a"), run.starts().stream().map(RunAnalysis.PodStart::pod).toList());
        assertEquals(4, run.bySpanName().values().stream().mapToInt(Stats::count).sum(),
                "ours and the child without a node are kept, theirs left out");
    }

    @Test
    void aRunOfManyNodesIsAnalysedAsOneAndAnotherAgentsSpansAreLeftOut() throws IOException {
        String fleet = "\"agent\":\"fleet\",\"namespace\":\"ns\"";
        String other = "\"agent\":\"other\",\"node\":\"other\",\"namespace\":\"ns\",\"pod\":\"z\"";
        List<String> lines = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String pod = fleet + ",\"node\":\"fleet-" + i + "\",\"pod\":\"p" + i + "\"";
            lines.add(span("a" + i, null, "pod.event.add", 0, 1, pod));
            lines.add(span("w" + i, null, "pod.writeStatus", 10 + i, 2, pod + ",\"phase\":\"Running\""));
        }
        lines.add(span("h", null, "node.heartbeat", 0, 1, "\"agent\":\"fleet\",\"node\":\"fleet-1\""));
        lines.add(span("z1", null, "pod.event.add", 0, 1, other));
        lines.add(span("z2", null, "pod.writeStatus", 3, 1, other + ",\"phase\":\"Running\""));
        Path file = file(lines.toArray(String[]::new));
        RunAnalysis run = RunAnalysis.of("fleet", file, SpanFile.read(file));
        assertEquals(List.of("ns/p0", "ns/p1", "ns/p2"), run.starts().stream().map(RunAnalysis.PodStart::pod)
                .sorted().toList(), "every node's pods, and none of the other agent's");
        assertEquals(3, run.nodes());
        assertEquals(7, run.spans());
        assertTrue(Reports.text(List.of(run)).contains("3 pods started on 3 nodes"), Reports.text(List.of(run)));
    }

    @Test
    void percentilesAreNearestRank() {
        Stats s = Stats.of(List.of(5L, 1L, 4L, 2L, 3L, 10L, 9L, 8L, 7L, 6L));
        assertEquals(5, s.p50());
        assertEquals(9, s.p90());
        assertEquals(10, s.p99());
        assertEquals(10, s.max());
        assertEquals(5, s.mean());
    }

    @Test
    void reportsNameEveryRunAndTheHtmlIsWellFormed() throws Exception {
        Path file = onePodRun();
        List<RunAnalysis> runs = List.of(RunAnalysis.of(null, file, SpanFile.read(file)),
                RunAnalysis.of("second", file, SpanFile.read(file)));
        String text = Reports.text(runs);
        assertTrue(text.contains("mock  (provider mock") && text.contains("second  (provider mock"), text);
        assertTrue(text.contains("median pod ns/a: 19.0 ms = queue wait 3.0 + provider calls 5.0 + backend provisioning 4.0"
                + " + status writes 4.0 + other 3.0 (other 15.8 % of the start)"), text);
        assertTrue(text.contains("backend provisioning   p50 4.0  p90 4.0  p99 4.0 ms"), text);
        assertTrue(!text.contains("note:"), "nothing is missing: " + text);
        String html = Reports.html(runs);
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new InputSource(new StringReader(
                html.substring(html.indexOf('\n') + 1))));
        assertTrue(html.contains("<svg") && html.contains("second"));
        assertTrue(html.contains(">provider.PodLifecycleHandler.createPod</text>"), "waterfall labels are whole");
        assertTrue(html.contains("<td>backend provisioning</td><td>4.0</td><td>4.0</td><td>4.0</td><td>4.0</td>"),
                "the parts side by side: " + html);
    }

    @Test
    void withoutProviderRunningSpansTheReportSaysProvisioningIsInOther() throws IOException {
        String pod = "\"namespace\":\"ns\",\"pod\":\"a\"";
        Path file = file(
                span("1", null, "pod.event.add", 0, 1, pod),
                span("3", null, "provider.PodLifecycleHandler.createPod", 3, 5, pod),
                span("7", null, "pod.writeStatus", 15, 4, pod + ",\"phase\":\"Running\""));
        RunAnalysis run = RunAnalysis.of("old", file, SpanFile.read(file));
        RunAnalysis.PodStart a = run.starts().get(0);
        assertTrue(!a.provisioningKnown());
        assertEquals(10_000_000L, a.otherNanos(), "19 ms less 5 in the create and 4 writing");
        String text = Reports.text(List.of(run));
        assertTrue(text.contains("note: 1 of 1 pod starts have no pod.providerRunning span"), text);
        assertTrue(Reports.html(List.of(run)).contains("class=\"note\""));
    }

    @Test
    void aMalformedLineIsNamedWithItsFileAndNumber() throws IOException {
        Path file = file(span("1", null, "pod.sync", 0, 1, ""), "{not json", span("2", null, "x", 0, 1, ""));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SpanFile.read(file));
        assertTrue(e.getMessage().startsWith(file + ":2: "), e.getMessage());
        Path missing = file("{\"traceId\":\"t\",\"spanId\":\"s\",\"name\":\"n\",\"start\":\"" + T0 + "\"}");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SpanFile.read(missing)).getMessage()
                .contains(":1: no 'durationNanos'"));
    }
}
