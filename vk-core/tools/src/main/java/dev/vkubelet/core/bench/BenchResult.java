package dev.vkubelet.core.bench;

import com.google.gson.GsonBuilder;
import java.util.List;
import java.util.Locale;

/**
 * What a bench run measured; {@link #toJson()} is its machine-readable form.
 *
 * @param provider the provider the node runs, as far as known
 * @param node the node, or the range of nodes ({@code fleet-0..fleet-2}) the pods were spread over
 * @param pods how many pods the workload had
 * @param create from create to Running (or a job's final phase)
 * @param delete from delete to gone ({@link Phase#SKIPPED} when the pods were kept)
 * @param logsRead how many pods' logs were read (when asked)
 * @param failures every pod that missed a step, with why
 * @param settings what the node ran with, when the bench started it ({@code --local}); empty otherwise
 */
public record BenchResult(String provider, String node, int pods, Phase create, Phase delete, int logsRead,
        List<Failure> failures, String settings) {

    /** The same result, stating the settings the node ran with. */
    public BenchResult withSettings(String used) {
        return new BenchResult(provider, node, pods, create, delete, logsRead, failures, used);
    }

    /**
     * One phase of the run.
     *
     * @param completed pods that made it
     * @param failed pods that did not
     * @param seconds from the first request to the last pod done
     * @param perSecond completed pods per second over {@code seconds}
     * @param p50Millis latency percentiles of the completed pods, in ms
     */
    public record Phase(int completed, int failed, double seconds, double perSecond, double p50Millis,
            double p90Millis, double p99Millis, double maxMillis) {

        /** A phase that did not run: every count and figure -1. */
        public static final Phase SKIPPED = new Phase(-1, -1, -1, -1, -1, -1, -1, -1);

        static Phase of(long[] sortedNanos, int failed, long startNanos, long endNanos) {
            double seconds = Math.max(0, (endNanos - startNanos) / 1e9);
            return new Phase(sortedNanos.length, failed, seconds, seconds > 0 ? sortedNanos.length / seconds : 0,
                    pct(sortedNanos, 50), pct(sortedNanos, 90), pct(sortedNanos, 99),
                    sortedNanos.length == 0 ? 0 : sortedNanos[sortedNanos.length - 1] / 1e6);
        }

        private static double pct(long[] sorted, int p) {
            if (sorted.length == 0) {
                return 0;
            }
            int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
        }

        String line(String what, int pods) {
            return String.format(Locale.ROOT, "%s: %d/%d in %.2f s, %.1f pods/s; latency ms p50 %.0f, p90 %.0f, "
                    + "p99 %.0f, max %.0f; %d failed", what, completed, pods, seconds, perSecond, p50Millis,
                    p90Millis, p99Millis, maxMillis, failed);
        }
    }

    /**
     * A pod that missed a step.
     *
     * @param pod its name
     * @param step {@code create}, {@code logs} or {@code delete}
     * @param reason what was last seen (phase, reason, message) or the error
     */
    public record Failure(String pod, String step, String reason) {}

    /** Pretty-printed JSON. */
    public String toJson() {
        return new GsonBuilder().setPrettyPrinting().create().toJson(this);
    }

    /** A summary for a terminal. */
    public String summary() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "bench: %d pods on %s %s (provider %s)%n", pods,
                node.contains("..") ? "nodes" : "node", node, provider));
        if (settings != null && !settings.isEmpty()) {
            out.append("settings: ").append(settings).append('\n');
        }
        out.append(create.line("create -> " + "ready", pods)).append('\n');
        out.append(Phase.SKIPPED.equals(delete) ? "delete: skipped, the pods were kept"
                : delete.line("delete -> gone", pods)).append('\n');
        if (logsRead > 0) {
            out.append("logs read: ").append(logsRead).append('\n');
        }
        failures.stream().limit(10).forEach(f -> out.append("  failed ").append(f.step()).append(' ').append(f.pod())
                .append(": ").append(f.reason()).append('\n'));
        if (failures.size() > 10) {
            out.append("  ... and ").append(failures.size() - 10).append(" more\n");
        }
        return out.toString();
    }
}
