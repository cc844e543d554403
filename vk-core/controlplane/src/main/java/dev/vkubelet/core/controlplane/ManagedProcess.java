package dev.vkubelet.core.controlplane;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/** One child process of the control plane, its output appended to a log file. */
final class ManagedProcess {

    private static final int TAIL_BYTES = 4096;

    private final String name;
    private final List<String> command;
    private final Path log;
    private Process process;

    ManagedProcess(String name, List<String> command, Path log) {
        this.name = Objects.requireNonNull(name, "name");
        this.command = List.copyOf(command);
        this.log = Objects.requireNonNull(log, "log");
    }

    String name() {
        return name;
    }

    synchronized long start() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is running");
        }
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        return process.pid();
    }

    synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    /** Asks the process to stop (SIGTERM), then kills it after {@code graceSeconds}. Idempotent. */
    synchronized void stop(long graceSeconds) {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(graceSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** The last few kilobytes of the log, for error messages. */
    String tail() {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long start = Math.max(0, file.length() - TAIL_BYTES);
            byte[] bytes = new byte[(int) (file.length() - start)];
            file.seek(start);
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    String describeExit() {
        return name + " exited with code " + process.exitValue() + "; log " + log + " ends with:\n" + tail();
    }
}
