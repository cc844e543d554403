package dev.vkubelet.core.launcher;

import dev.vkubelet.core.bench.Bench;
import dev.vkubelet.core.bench.BenchResult;
import dev.vkubelet.core.bench.Workload;
import dev.vkubelet.core.cli.NodeOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * The maintainers' benchmark ({@code dist/scripts/bench-pods}): for each N, a local control plane
 * and a node agent, N pods created at once, then deleted; prints the {@code bench} summary of each
 * and the JVM's peak RSS (node agent and driver share the JVM).
 *
 * <p>Usage: {@code PodBench [--plugin-dir DIR] [--provider NAME] N [N ...] [-- AGENT-FLAGS]};
 * agent flags (e.g. {@code --provider-config aws.yaml} or {@code --trace-exporter file
 * --trace-sample-rate always}) go to the node agent, whose exporter settings come from the
 * environment.
 */
public final class PodBench {

    private PodBench() {}

    public static void main(String[] args) throws Exception {
        String pluginDir = "plugins";
        String provider = "mock";
        List<Integer> sizes = new ArrayList<>();
        List<String> agentFlags = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--")) {
                agentFlags.addAll(List.of(args).subList(i + 1, args.length));
                break;
            } else if (args[i].equals("--plugin-dir")) {
                pluginDir = args[++i];
            } else if (args[i].equals("--provider")) {
                provider = args[++i];
            } else {
                sizes.add(Integer.parseInt(args[i]));
            }
        }
        if (sizes.isEmpty()) {
            sizes = List.of(100, 1000);
        }
        for (int n : sizes) {
            Workload workload = new Workload("bench-" + n, "vk-bench-" + n, n, 0, 1, 0, 0, OptionalInt.empty(), 0,
                    false, Duration.ofMinutes(15), 1, false, 0);
            BenchResult result = Bench.local(System.getenv(), provider, pluginDir, agentFlags,
                    flags -> NodeOptions.runConfigOf(System.getenv(), flags), workload, System.err,
                    false);
            System.out.print("N=" + n + " " + result.summary());
            System.out.printf("peak RSS of the JVM (agent + driver): %d MiB%n", peakRssKib() / 1024);
        }
        System.exit(0);
    }

    private static long peakRssKib() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM:"))
                .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(-1L);
    }
}
