package dev.vkubelet.core.traces;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/** Several runs side by side: as a text table, and as one self-contained HTML page (inline CSS and SVG). */
public final class Reports {

    private static final String[] COLOURS = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948"};

    private Reports() {}

    static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
    }

    /** The comparison as text for a terminal. */
    public static String text(List<RunAnalysis> runs) {
        StringBuilder out = new StringBuilder();
        for (RunAnalysis run : runs) {
            Stats starts = run.startStats();
            out.append(String.format(Locale.ROOT, "%s  (provider %s, %s): %d spans, %d pods started on %d node%s, %d"
                    + " incomplete, spans per pod p50 %d%n", run.label(), run.provider(), run.file(), run.spans(),
                    starts.count(), run.nodes(), run.nodes() == 1 ? "" : "s", run.incomplete(), run.spansPerPod().p50()));
            out.append(String.format(Locale.ROOT, "  pod start ms: p50 %s  p90 %s  p99 %s  max %s%n", ms(starts.p50()),
                    ms(starts.p90()), ms(starts.p99()), ms(starts.max())));
            run.medianStart().ifPresent(m -> {
                out.append(String.format(Locale.ROOT, "  median pod %s: %s ms =", m.pod(), ms(m.totalNanos())));
                for (RunAnalysis.Part part : RunAnalysis.Part.values()) {
                    out.append(part == RunAnalysis.Part.QUEUE ? " " : " + ").append(part.label).append(' ')
                            .append(ms(part.of(m)));
                }
                out.append(String.format(Locale.ROOT, " (other %s of the start)%n", share(m.otherNanos(), m.totalNanos())));
            });
            for (RunAnalysis.Part part : RunAnalysis.Part.values()) {
                Stats p = run.partStats(part);
                out.append(String.format(Locale.ROOT, "  %-22s p50 %s  p90 %s  p99 %s ms%n", part.label, ms(p.p50()),
                        ms(p.p90()), ms(p.p99())));
            }
            missing(run).ifPresent(note -> out.append("  note: ").append(note).append('\n'));
        }
        out.append('\n');
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-48s", "span (ms)"));
        for (RunAnalysis run : runs) {
            header.append(String.format(Locale.ROOT, " | %-30s", run.label() + ": n p50 p99 max"));
        }
        out.append(header).append('\n');
        for (String name : spanNames(runs)) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-48s", name));
            for (RunAnalysis run : runs) {
                Stats s = run.bySpanName().get(name);
                row.append(String.format(Locale.ROOT, " | %-30s", s == null ? "-"
                        : s.count() + " " + ms(s.p50()) + " " + ms(s.p99()) + " " + ms(s.max())));
            }
            out.append(row).append('\n');
        }
        return out.toString();
    }

    static String share(long part, long total) {
        return String.format(Locale.ROOT, "%.1f %%", total <= 0 ? 0.0 : 100.0 * part / total);
    }

    /** What the run lacks for a full breakdown, if anything. */
    static java.util.Optional<String> missing(RunAnalysis run) {
        if (run.starts().isEmpty()) {
            return java.util.Optional.empty();
        }
        long known = run.provisioningKnown();
        if (known < run.starts().size()) {
            return java.util.Optional.of((run.starts().size() - known) + " of " + run.starts().size() + " pod starts have"
                    + " no pod.providerRunning span (a file from an older agent) or no provider create in their start"
                    + " (adopted pods): their backend provisioning is counted as other");
        }
        return java.util.Optional.empty();
    }

    private static Set<String> spanNames(List<RunAnalysis> runs) {
        Set<String> names = new TreeSet<>();
        runs.forEach(r -> names.addAll(r.bySpanName().keySet()));
        return names;
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** The comparison as one HTML page that needs nothing from the network. */
    public static String html(List<RunAnalysis> runs) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
                .append("<title>virtual-kubelet trace comparison</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse;")
                .append("margin:1em 0}td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}")
                .append("th:first-child,td:first-child{text-align:left}.runs{display:flex;gap:2em;flex-wrap:wrap;")
                .append("align-items:flex-start}.run{flex:0 0 auto}.run svg{display:block;margin:0.5em 0}.note{color:#a33}")
                .append("svg text{font-size:11px}")
                .append("\n</style>\n</head>\n<body>\n")
                .append("<h1>Trace comparison</h1>\n<h2>Pod start (informer event to Running written)</h2>\n<table>\n")
                .append("<tr><th>run</th><th>provider</th><th>nodes</th><th>pods</th><th>incomplete</th><th>p50 ms</th>")
                .append("<th>p90 ms</th><th>p99 ms</th><th>max ms</th><th>spans/pod p50</th></tr>\n");
        for (RunAnalysis run : runs) {
            Stats s = run.startStats();
            h.append("<tr><td>").append(escape(run.label())).append("</td><td>").append(escape(run.provider()))
                    .append("</td><td>").append(run.nodes())
                    .append("</td><td>").append(s.count()).append("</td><td>").append(run.incomplete())
                    .append("</td><td>").append(ms(s.p50())).append("</td><td>").append(ms(s.p90()))
                    .append("</td><td>").append(ms(s.p99())).append("</td><td>").append(ms(s.max()))
                    .append("</td><td>").append(run.spansPerPod().p50()).append("</td></tr>\n");
        }
        h.append("</table>\n<h2>Where the start goes, per provider (ms)</h2>\n<table class=\"parts\">\n<tr><th>part</th>");
        for (RunAnalysis run : runs) {
            h.append("<th>").append(escape(run.label())).append(" p50</th><th>p90</th><th>p99</th>");
        }
        h.append("</tr>\n");
        for (RunAnalysis.Part part : RunAnalysis.Part.values()) {
            h.append("<tr><td>").append(part.label).append("</td>");
            for (RunAnalysis run : runs) {
                Stats p = run.partStats(part);
                h.append("<td>").append(ms(p.p50())).append("</td><td>").append(ms(p.p90())).append("</td><td>")
                        .append(ms(p.p99())).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
        for (RunAnalysis run : runs) {
            missing(run).ifPresent(note -> h.append("<p class=\"note\">").append(escape(run.label())).append(": ")
                    .append(escape(note)).append("</p>\n"));
        }
        h.append("<h2>Median pod's start, side by side</h2>\n<div class=\"runs\">\n");
        for (RunAnalysis run : runs) {
            h.append("<div class=\"run\"><h3>").append(escape(run.label())).append("</h3>\n");
            run.medianStart().ifPresentOrElse(m -> h.append(breakdown(m)).append(waterfall(m)),
                    () -> h.append("<p>no complete pod start in this run</p>\n"));
            h.append("<h4>Pod start histogram</h4>\n").append(histogram(run)).append("</div>\n");
        }
        h.append("</div>\n<h2>Latency per span name (ms)</h2>\n<table>\n<tr><th>span</th>");
        for (RunAnalysis run : runs) {
            h.append("<th>").append(escape(run.label())).append(" n</th><th>p50</th><th>p90</th><th>p99</th>")
                    .append("<th>max</th>");
        }
        h.append("</tr>\n");
        for (String name : spanNames(runs)) {
            h.append("<tr><td>").append(escape(name)).append("</td>");
            for (RunAnalysis run : runs) {
                Stats s = run.bySpanName().get(name);
                if (s == null) {
                    h.append("<td>-</td><td>-</td><td>-</td><td>-</td><td>-</td>");
                } else {
                    h.append("<td>").append(s.count()).append("</td><td>").append(ms(s.p50())).append("</td><td>")
                            .append(ms(s.p90())).append("</td><td>").append(ms(s.p99())).append("</td><td>")
                            .append(ms(s.max())).append("</td>");
                }
            }
            h.append("</tr>\n");
        }
        return h.append("</table>\n</body>\n</html>\n").toString();
    }

    private static String breakdown(RunAnalysis.PodStart m) {
        RunAnalysis.Part[] parts = RunAnalysis.Part.values();
        long total = 0;
        for (RunAnalysis.Part part : parts) {
            total += part.of(m);
        }
        total = Math.max(1, total);
        StringBuilder svg = new StringBuilder("<p>").append(escape(m.pod())).append(": ").append(ms(m.totalNanos()))
                .append(" ms, other ").append(share(m.otherNanos(), m.totalNanos()))
                .append("</p>\n<svg class=\"breakdown\" width=\"420\" height=\"74\" role=\"img\">");
        double x = 0;
        for (int i = 0; i < parts.length; i++) {
            long value = parts[i].of(m);
            double w = 400.0 * value / total;
            svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"0\" width=\"%.1f\" height=\"18\" fill=\"%s\">"
                    + "<title>%s %s ms</title></rect>", x, w, COLOURS[i], parts[i].label, ms(value)));
            int lx = (i % 2) * 210;
            int ly = 24 + (i / 2) * 16;
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\">%s %s ms</text>", lx, ly, COLOURS[i], lx + 14, ly + 9, parts[i].label,
                    ms(value)));
            x += w;
        }
        return svg.append("</svg>\n").toString();
    }

    /** Pixels a character of the waterfall's labels takes at most (11 px sans-serif), so none is cut. */
    private static final double LABEL_CHAR_WIDTH = 6.6;
    private static final int BARS_WIDTH = 240;

    private static String waterfall(RunAnalysis.PodStart m) {
        List<RunAnalysis.Step> steps = m.steps();
        long total = Math.max(1, m.totalNanos());
        int rowHeight = 16;
        int longest = steps.stream().mapToInt(s -> s.name().length()).max().orElse(10);
        int bars = (int) Math.ceil(longest * LABEL_CHAR_WIDTH) + 8;
        StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
                "<svg class=\"waterfall\" width=\"%d\" height=\"%d\" role=\"img\">", bars + BARS_WIDTH + 10,
                steps.size() * rowHeight + 20));
        int axis = steps.size() * rowHeight + 14;
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">0 ms</text><text x=\"%d\" y=\"%d\" "
                + "text-anchor=\"end\">%s ms</text>", bars, axis, bars + BARS_WIDTH, axis, ms(total)));
        for (int i = 0; i < steps.size(); i++) {
            RunAnalysis.Step s = steps.get(i);
            double x = bars + (double) BARS_WIDTH * Math.min(s.offsetNanos(), total) / total;
            double w = Math.max(1, (double) BARS_WIDTH * Math.min(s.durationNanos(), total) / total);
            int y = i * rowHeight;
            svg.append(String.format(Locale.ROOT, "<text x=\"0\" y=\"%d\">%s</text><rect x=\"%.1f\" y=\"%d\" "
                    + "width=\"%.1f\" height=\"11\" fill=\"%s\"><title>%s: +%s ms, %s ms</title></rect>", y + 11,
                    escape(s.name()), x, y + 2, w, colour(s.name()), escape(s.name()),
                    ms(s.offsetNanos()), ms(s.durationNanos())));
        }
        return svg.append("</svg>\n").toString();
    }

    private static String colour(String span) {
        if (span.startsWith("provider.")) {
            return COLOURS[0];
        }
        if (span.equals("pod.writeStatus")) {
            return COLOURS[2];
        }
        return span.startsWith("pod.") ? COLOURS[3] : COLOURS[1];
    }

    private static String histogram(RunAnalysis run) {
        List<Long> values = new ArrayList<>(run.starts().stream().map(RunAnalysis.PodStart::totalNanos).toList());
        if (values.isEmpty()) {
            return "<p>-</p>\n";
        }
        long max = Math.max(1, values.stream().mapToLong(Long::longValue).max().orElse(1));
        int buckets = 20;
        int[] counts = new int[buckets];
        for (long v : values) {
            counts[(int) Math.min(buckets - 1, v * buckets / (max + 1))]++;
        }
        int highest = java.util.Arrays.stream(counts).max().orElse(1);
        StringBuilder svg = new StringBuilder("<svg width=\"420\" height=\"130\" role=\"img\">");
        for (int i = 0; i < buckets; i++) {
            double h = 100.0 * counts[i] / highest;
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%.1f\" width=\"19\" height=\"%.1f\" "
                    + "fill=\"%s\"><title>%s-%s ms: %d pods</title></rect>", i * 21, 100 - h, h, COLOURS[0],
                    ms(max * i / buckets), ms(max * (i + 1) / buckets), counts[i]));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"0\" y=\"118\">0 ms</text><text x=\"340\" y=\"118\">%s ms"
                + "</text>", ms(max)));
        return svg.append("</svg>\n").toString();
    }
}
