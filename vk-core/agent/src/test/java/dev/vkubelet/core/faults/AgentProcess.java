package dev.vkubelet.core.faults;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The node agent as a process of its own (this JVM's class path, {@code Main}), its output to a file. */
final class AgentProcess {

    private AgentProcess() {}

    /** The plugin directory the build fills. */
    static Path plugins() {
        return Path.of(System.getProperty("vk.plugins.dir", "target/test-plugins")).toAbsolutePath();
    }

    static Process start(List<String> args, Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), "dev.vkubelet.core.cli.Main"));
        command.addAll(args);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
