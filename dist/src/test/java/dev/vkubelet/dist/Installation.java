package dev.vkubelet.dist;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The release tarball unpacked into a fresh directory, as an operator installs it. */
final class Installation {

    private final Path home;

    private Installation(Path home) {
        this.home = home;
    }

    /** The version the build gave the tarball. */
    static String version() {
        return System.getProperty("vk.version");
    }

    /** Unpacks the tarball the build made into {@code parent} (with tar, as a user would). */
    static Installation unpack(Path parent) throws IOException, InterruptedException {
        Path tarball = Path.of(System.getProperty("vk.tarball"));
        if (!Files.isRegularFile(tarball)) {
            throw new AssertionError("no tarball at " + tarball + ": the package phase makes it");
        }
        Processes.Result untar = Processes.run(List.of("tar", "xzf", tarball.toString()), parent, Map.of(),
                Duration.ofMinutes(2));
        if (untar.exit() != 0) {
            throw new AssertionError("tar failed: " + untar.text());
        }
        Path home = parent.resolve("virtual-kubelet-" + version());
        if (!Files.isDirectory(home)) {
            try (Stream<Path> entries = Files.list(parent)) {
                throw new AssertionError("the tarball does not unpack into " + home.getFileName() + ": "
                        + entries.toList());
            }
        }
        return new Installation(home);
    }

    Path home() {
        return home;
    }

    Path launcher() {
        return home.resolve("bin/virtual-kubelet");
    }

    Path plugins() {
        return home.resolve("plugins");
    }

    /**
     * Runs the launcher with {@code args} from {@code dir}; class data sharing archives go beside the
     * installation unless {@code env} says otherwise.
     */
    Processes.Result run(Path dir, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(launcher().toString());
        command.addAll(List.of(args));
        Map<String, String> withCds = new java.util.HashMap<>(env);
        withCds.putIfAbsent("VK_CDS_DIR", home.resolveSibling("cds").toString());
        return Processes.run(command, dir, withCds, Duration.ofMinutes(2));
    }
}
