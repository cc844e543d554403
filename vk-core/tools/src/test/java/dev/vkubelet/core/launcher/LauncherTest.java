package dev.vkubelet.core.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vkubelet.core.app.RunConfig;
import dev.vkubelet.core.cli.Cli;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's command line: the agent's, plus local, bench and traces. */
class LauncherTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private RunConfig ran;
    private String mode;

    private int run(String... args) {
        return Launcher.cli(Map.of(), dir, Optional.of(dir.resolve("install")),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                config -> {
                    ran = config;
                    mode = "node";
                    return Cli.OK;
                },
                config -> {
                    ran = config;
                    mode = "local";
                    return Cli.OK;
                }).run(args);
    }

    @Test
    void localModeDefaultsToTheMockProviderAndRefusesAKubeconfig() throws IOException {
        assertEquals(Cli.OK, run("local", "--nodename", "vk-local"));
        assertEquals("local", mode);
        assertEquals("mock", ran.provider());
        assertEquals("vk-local", ran.nodeName());
        ran = null;
        Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), "apiVersion: v1\nkind: Config\n");
        assertEquals(Cli.USAGE, run("local", "--kubeconfig", kubeconfig.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--kubeconfig cannot be used with local"),
                err.toString(StandardCharsets.UTF_8));
        assertNull(ran, "a refused local mode starts nothing");
    }

    @Test
    void theAgentsOwnCommandLineIsUnchanged() {
        Path kubeconfig = dir.resolve("kubeconfig");
        assertEquals(Cli.USAGE, run("--nodename", "n1"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--provider is required"));
        assertNull(mode);
        assertEquals(Cli.OK, run("version"));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("virtual-kubelet for the JVM "));
        assertTrue(!Files.exists(kubeconfig));
    }

    @Test
    void helpListsTheToolsAndEachHasItsOwnHelp() {
        assertEquals(Cli.OK, run("--help"));
        String help = out.toString(StandardCharsets.UTF_8);
        for (String command : List.of("version", "providers", "local", "bench", "traces")) {
            assertTrue(help.contains(command), "help lacks " + command + ":\n" + help);
        }
        for (String command : List.of("local", "bench", "traces")) {
            out.reset();
            assertEquals(Cli.OK, run(command, "--help"));
            assertTrue(out.toString(StandardCharsets.UTF_8).contains(command), out.toString(StandardCharsets.UTF_8));
        }
        assertNull(mode, "help runs nothing");
    }

    @Test
    void benchRunsASeparateAgentWithTheLaunchersJvmDefaults() throws IOException {
        String script = Files.readString(Path.of(System.getProperty("vk.project.root", "../.."),
                "dist/src/main/bin/virtual-kubelet"));
        assertTrue(script.contains("VK_JVM_DEFAULTS-\"" + String.join(" ", BenchCommand.LAUNCHER_JVM) + "\""),
                "bench --node-process runs the agent with other JVM options than bin/virtual-kubelet: "
                        + BenchCommand.LAUNCHER_JVM);
    }

    @Test
    void toolUsageErrorsExitTwoWithOneLine() {
        assertEquals(Cli.USAGE, run("traces", "summarise"));
        assertEquals(Cli.USAGE, run("traces", "compare"));
        assertEquals(Cli.USAGE, run("bench", "--api-ceiling"));
        assertEquals(Cli.USAGE, run("bench", "--local", "--kubeconfig", "x"));
        assertEquals(Cli.USAGE, run("bench", "--timeout", "soon"));
        assertEquals(Cli.USAGE, run("bench", "--node-process"));
        assertEquals(Cli.USAGE, run("bench", "--local", "--node-jvm", "-Xmx1g"));
        assertEquals(Cli.USAGE, run("bench", "--local", "--warmup-pods", "100"));
        assertEquals(Cli.USAGE, run("bench", "--warmup-pods", "-1"));
        String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("bench: --node-process, --node-jvm and --warmup-pods need --local: they start the"
                + " node"), text);
        assertTrue(text.contains("bench: --warmup-pods warms the node of --node-process: add it"), text);
        assertTrue(text.contains("bench: warm-up pods must be 0 or more, got -1"), text);
        assertTrue(text.contains("bench: --node-jvm sets the options of --node-process: add it"), text);
        assertTrue(text.contains("traces: the only subcommand is 'compare FILE...'"), text);
        assertTrue(text.contains("--api-ceiling needs --local"), text);
        assertTrue(text.contains("bench: "), text);
        assertNull(mode);
    }
}
