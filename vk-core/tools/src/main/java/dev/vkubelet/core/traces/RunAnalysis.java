package dev.vkubelet.core.traces;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One provider run's spans, analysed: latency per span name, spans per pod, and each pod's start.
 *
 * <p>A pod's start runs from its first {@code pod.event.add} (the informer saw it) to the end of the
 * first {@code pod.writeStatus} that wrote phase Running. Within that window, time is broken down
 * into queueing (the {@code waitMillis} of the {@code pod.sync} and {@code pod.syncStatus} passes
 * that started in it), provider calls ({@code provider.*} spans), the backend's provisioning (from
 * the end of the first {@code provider.PodLifecycleHandler.createPod} to the first
 * {@code pod.providerRunning}, the host learning that the provider reports the pod running, less the
 * provider calls and queueing inside that stretch), status writes ({@code pod.writeStatus}), and
 * the rest. A span belongs to a pod through its {@code namespace} and
 * {@code pod} attributes, a plugin's {@code pod} attribute ({@code namespace/name}), or its parent's.
 *
 * @param label what the run is called in reports (the provider, unless given)
 * @param file the span file
 * @param provider the provider the host's spans name, or {@code unknown}
 * @param spans how many spans the file holds
 * @param bySpanName latency per span name, by name
 * @param spansPerPod how many spans each pod has
 * @param starts every pod start found, fastest first
 * @param incomplete pods seen without a complete start (no add event, or never written Running)
 * @param nodes how many nodes the run's pods were on (a run of many nodes is analysed as one)
 */
public record RunAnalysis(String label, Path file, String provider, int spans, Map<String, Stats> bySpanName,
        Stats spansPerPod, List<PodStart> starts, int incomplete, int nodes) {

    /**
     * One pod's start.
     *
     * @param pod {@code namespace/name}
     * @param totalNanos from the add event to the Running status write
     * @param providerNanos in provider calls
     * @param queueNanos waiting in the work queues
     * @param writeNanos writing status to the API server
     * @param provisioningNanos the backend provisioning the pod, as the host saw it; -1 when the run
     *     has no {@code pod.providerRunning} for the pod (older files), so it is part of the rest
     * @param steps the pod's spans in the window, in start order
     */
    public record PodStart(String pod, long totalNanos, long providerNanos, long queueNanos, long writeNanos,
            long provisioningNanos, List<Step> steps) {

        /** Time not in queues, provider calls, provisioning or writes. */
        public long otherNanos() {
            return Math.max(0, totalNanos - providerNanos - queueNanos - writeNanos - Math.max(0, provisioningNanos));
        }

        /** Whether the backend's provisioning could be told apart. */
        public boolean provisioningKnown() {
            return provisioningNanos >= 0;
        }
    }

    /** A part of a pod's start, as reports show it. */
    public enum Part {
        QUEUE("queue wait"), PROVIDER("provider calls"), PROVISIONING("backend provisioning"),
        WRITE("status writes"), OTHER("other");

        /** The label reports use. */
        public final String label;

        Part(String label) {
            this.label = label;
        }

        /** This part of {@code start}, in nanoseconds. */
        public long of(PodStart start) {
            return switch (this) {
                case QUEUE -> start.queueNanos();
                case PROVIDER -> start.providerNanos();
                case PROVISIONING -> Math.max(0, start.provisioningNanos());
                case WRITE -> start.writeNanos();
                case OTHER -> start.otherNanos();
            };
        }
    }

    /** The distribution of {@code part} over the run's pod starts. */
    public Stats partStats(Part part) {
        return Stats.of(starts.stream().map(part::of).toList());
    }

    /** How many of the run's starts have their provisioning told apart. */
    public long provisioningKnown() {
        return starts.stream().filter(PodStart::provisioningKnown).count();
    }

    /**
     * A span in a pod's start window.
     *
     * @param name the span's name
     * @param offsetNanos when it started, from the window's start
     * @param durationNanos how long it took
     */
    public record Step(String name, long offsetNanos, long durationNanos) {}

    /** The host's span around the provider's create. */
    static final String CREATE_CALL = "provider.PodLifecycleHandler.createPod";

    /** The pod start in the middle (by total time), if any. */
    public Optional<PodStart> medianStart() {
        return starts.isEmpty() ? Optional.empty() : Optional.of(starts.get((starts.size() - 1) / 2));
    }

    /** The distribution of pod start times. */
    public Stats startStats() {
        return Stats.of(starts.stream().map(PodStart::totalNanos).toList());
    }

    /**
     * Analyses {@code spans}, read from {@code file}; {@code label} may be null (the provider is used).
     * A file meant for one run can hold a few spans of another agent of the same process (OpenCensus
     * hands every span to every exporter): only the agent most spans name (their {@code agent} tag,
     * {@code --nodename}) is kept, every node of it, so a run of many nodes is analysed as one
     * (aggregated); spans of files written before that tag existed are kept by their most frequent
     * node instead, with the spans below them.
     */
    public static RunAnalysis of(String label, Path file, List<SpanLine> all) {
        Map<String, SpanLine> byId = all.stream().collect(Collectors.toMap(SpanLine::spanId, Function.identity(),
                (a, b) -> a));
        String key = all.stream().anyMatch(s -> s.text("agent") != null) ? "agent" : "node";
        Map<String, String> owners = new HashMap<>();
        String owner = all.stream().map(s -> s.text(key)).filter(n -> n != null && !n.isBlank())
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting())).entrySet().stream()
                .max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
        List<SpanLine> spans = all.stream().filter(s -> {
            String of = owner(s, key, byId, owners);
            return of == null || of.equals(owner);
        }).toList();
        int nodeCount = (int) spans.stream().filter(s -> s.name().equals("pod.event.add")).map(s -> s.text("node"))
                .filter(n -> n != null && !n.isBlank()).distinct().count();
        String provider = spans.stream().map(s -> s.text("provider")).filter(p -> p != null && !p.isBlank())
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting())).entrySet().stream()
                .max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse("unknown");
        Map<String, List<Long>> durations = new TreeMap<>();
        Map<String, List<SpanLine>> byPod = new HashMap<>();
        Map<String, String> podOf = new HashMap<>();
        for (SpanLine s : spans) {
            durations.computeIfAbsent(s.name(), n -> new ArrayList<>()).add(s.durationNanos());
            String pod = pod(s, byId, podOf);
            if (pod != null) {
                byPod.computeIfAbsent(pod, p -> new ArrayList<>()).add(s);
            }
        }
        Map<String, Stats> bySpanName = new TreeMap<>();
        durations.forEach((name, values) -> bySpanName.put(name, Stats.of(values)));
        List<PodStart> starts = new ArrayList<>();
        int incomplete = 0;
        for (Map.Entry<String, List<SpanLine>> e : byPod.entrySet()) {
            Optional<PodStart> start = start(e.getKey(), e.getValue());
            if (start.isPresent()) {
                starts.add(start.get());
            } else {
                incomplete++;
            }
        }
        starts.sort(Comparator.comparingLong(PodStart::totalNanos));
        Stats perPod = Stats.of(byPod.values().stream().map(l -> (long) l.size()).toList());
        return new RunAnalysis(label == null ? provider : label, file, provider, spans.size(), bySpanName, perPod,
                List.copyOf(starts), incomplete, Math.max(1, nodeCount));
    }

    /** The agent (or node) a span was recorded for, from its attributes or, failing that, its parent's. */
    private static String owner(SpanLine s, String key, Map<String, SpanLine> byId, Map<String, String> memo) {
        if (memo.containsKey(s.spanId())) {
            return memo.get(s.spanId());
        }
        memo.put(s.spanId(), null); // guards against cycles in a hand-made file
        String node = s.text(key);
        if (node == null && s.parentSpanId() != null && byId.containsKey(s.parentSpanId())) {
            node = owner(byId.get(s.parentSpanId()), key, byId, memo);
        }
        memo.put(s.spanId(), node);
        return node;
    }

    /** The pod a span belongs to, from its attributes or, failing that, its parent's. */
    private static String pod(SpanLine s, Map<String, SpanLine> byId, Map<String, String> memo) {
        if (memo.containsKey(s.spanId())) {
            return memo.get(s.spanId());
        }
        String ns = s.text("namespace");
        String name = s.text("pod");
        String pod;
        if (ns != null && name != null) {
            pod = ns + "/" + name;
        } else if (name != null && name.contains("/")) {
            pod = name;
        } else {
            SpanLine parent = s.parentSpanId() == null ? null : byId.get(s.parentSpanId());
            memo.put(s.spanId(), null); // guards against cycles in a hand-made file
            pod = parent == null ? null : pod(parent, byId, memo);
        }
        memo.put(s.spanId(), pod);
        return pod;
    }

    private static Optional<PodStart> start(String pod, List<SpanLine> spans) {
        Optional<Instant> added = spans.stream().filter(s -> s.name().equals("pod.event.add")).map(SpanLine::start)
                .min(Comparator.naturalOrder());
        Optional<Instant> running = spans.stream().filter(s -> s.name().equals("pod.writeStatus")
                && "Running".equals(s.text("phase"))).map(SpanLine::end).min(Comparator.naturalOrder());
        if (added.isEmpty() || running.isEmpty() || running.get().isBefore(added.get())) {
            return Optional.empty();
        }
        Instant from = added.get();
        Instant to = running.get();
        Optional<Instant> created = spans.stream().filter(s -> s.name().equals(CREATE_CALL) && !s.start().isBefore(from)
                && !s.end().isAfter(to)).map(SpanLine::end).min(Comparator.naturalOrder());
        // a provider may report the pod running before its create returns (the mock without delays):
        // then there is no provisioning to wait for
        Optional<Instant> reported = spans.stream().filter(s -> s.name().equals("pod.providerRunning"))
                .map(SpanLine::start).filter(t -> created.isPresent() && !t.isBefore(from) && !t.isAfter(to))
                .min(Comparator.naturalOrder()).map(t -> t.isBefore(created.get()) ? created.get() : t);
        long provider = 0;
        long queue = 0;
        long write = 0;
        // provider calls and queueing inside the provisioning stretch count as themselves
        long insideProvisioning = 0;
        List<Step> steps = new ArrayList<>();
        for (SpanLine s : spans.stream().sorted(Comparator.comparing(SpanLine::start)).toList()) {
            if (s.start().isBefore(from) || s.start().isAfter(to)) {
                continue;
            }
            long clipped = Duration.between(s.start(), s.end().isAfter(to) ? to : s.end()).toNanos();
            boolean inside = reported.isPresent() && s.start().isAfter(created.get()) && s.start().isBefore(reported.get());
            if (s.name().startsWith("provider.")) {
                provider += clipped;
                insideProvisioning += inside ? clipped : 0;
            } else if (s.name().equals("pod.writeStatus")) {
                write += clipped;
                insideProvisioning += inside ? clipped : 0;
            }
            if (s.name().equals("pod.sync") || s.name().equals("pod.syncStatus")) {
                long waited = s.number("waitMillis") * 1_000_000L;
                queue += waited;
                insideProvisioning += inside ? waited : 0;
            }
            steps.add(new Step(s.name(), Duration.between(from, s.start()).toNanos(), s.durationNanos()));
        }
        long provisioning = reported.isEmpty() ? -1
                : Math.max(0, Duration.between(created.get(), reported.get()).toNanos() - insideProvisioning);
        return Optional.of(new PodStart(pod, Duration.between(from, to).toNanos(), provider, queue, write,
                provisioning, List.copyOf(steps)));
    }
}
