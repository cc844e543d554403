package dev.vkubelet.core.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The node side of a bench run (a node agent, or the API server's ceiling writer) in a JVM of its
 * own, so the load generator and the node never share a heap, a JIT or a core's time slices, and the
 * node's CPU time can be read apart: this JVM's class path, the given JVM options, output to a file.
 */
final class NodeProcess implements AutoCloseable {

    private final Process process;
    private final Path log;

    private NodeProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code mainClass} with {@code jvmOptions} and {@code args}, and waits until its output
     * has a line containing {@code ready}.
     *
     * @throws IOException when it exits or is not ready within {@code timeout} (with its output's end)
     */
    static NodeProcess start(List<String> jvmOptions, String mainClass, List<String> args, String ready,
            Duration timeout) throws IOException, InterruptedException {
        Path log = Files.createTempFile("vk-bench-node-", ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(args);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        NodeProcess node = new NodeProcess(process, log);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.readString(log, StandardCharsets.UTF_8).contains(ready)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                String tail = node.tail();
                node.close();
                throw new IOException("the node process (" + mainClass + ") " + (process.isAlive() ? "was not ready"
                        + " within " + timeout.toSeconds() + " s" : "exited " + process.exitValue()) + "; its output"
                        + " ends with:\n" + tail);
            }
            Thread.sleep(100);
        }
        return node;
    }

    /** The CPU time (user and system) the process has used, in seconds; empty where /proc has no such file. */
    OptionalDouble cpuSeconds() {
        Path stat = Path.of("/proc", Long.toString(process.pid()), "stat");
        try {
            String text = Files.readString(stat, StandardCharsets.US_ASCII);
            // the fields after the command name, which is in parentheses and may hold spaces
            String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            return OptionalDouble.of(ticks / 100.0); // USER_HZ is 100 on Linux
        } catch (IOException | RuntimeException e) {
            return OptionalDouble.empty();
        }
    }

    /** The process's peak resident memory so far (VmHWM), in KiB, where /proc has it. */
    Optional<Long> peakRssKib() {
        try {
            return Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status")).stream()
                    .filter(l -> l.startsWith("VmHWM:")).findFirst()
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** Stops the process (SIGTERM, then SIGKILL after ten seconds) and removes its output. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException e) {
            // a temporary file: left behind
        }
    }
}
