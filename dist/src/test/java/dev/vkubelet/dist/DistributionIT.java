package dev.vkubelet.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tarball as an operator meets it: unpacked somewhere, run from somewhere else. */
class DistributionIT {

    @TempDir
    Path dir;

    private Installation install;
    private Path elsewhere;

    @BeforeEach
    void unpack() throws IOException, InterruptedException {
        install = Installation.unpack(Files.createDirectories(dir.resolve("opt")));
        elsewhere = Files.createDirectories(dir.resolve("somewhere-else"));
    }

    /** The plugins table's row for {@code id}: its version, state and providers, or null. */
    private static String[] row(String providersOutput, String id) {
        for (String line : providersOutput.split("\n")) {
            String[] cells = line.trim().split("\\s+");
            if (!line.startsWith(" ") && cells.length == 5 && cells[0].equals(id)) {
                return cells;
            }
        }
        return null;
    }

    @Test
    void theLayoutHoldsLauncherLibrariesPluginsConfigurationAndDocuments() throws IOException {
        Path home = install.home();
        assertTrue(Files.isExecutable(install.launcher()));
        try (Stream<Path> lib = Files.list(home.resolve("lib"))) {
            assertTrue(lib.anyMatch(p -> p.getFileName().toString().startsWith("vk-core-")), "no vk-core jar in lib/");
        }
        try (Stream<Path> plugins = Files.list(install.plugins())) {
            assertEquals(List.of("aws-plugin.jar", "azure-plugin.jar", "mock-plugin.jar"),
                    plugins.map(p -> p.getFileName().toString()).sorted().toList());
        }
        for (String file : List.of("conf/logback.xml", "conf/mock-provider.json", "conf/aws-provider.yaml",
                "conf/azure-provider.yaml", "LICENSE", "README", "Dockerfile", "deploy/kubernetes/base/kustomization.yaml",
                "deploy/kubernetes/overlays/aws/aws-provider.yaml", "deploy/kubernetes/overlays/azure/azure-provider.yaml",
                "provider-template/pom.xml", "bin/install-control-plane")) {
            assertTrue(Files.isRegularFile(home.resolve(file)), "the distribution lacks " + file);
        }
        assertTrue(Files.readString(home.resolve("LICENSE")).contains("Apache License"));
        assertTrue(Files.readString(home.resolve("README")).contains(Installation.version()));
    }

    @Test
    void theLauncherRunsFromAnyDirectoryAndThroughALink() throws IOException, InterruptedException {
        Processes.Result version = install.run(elsewhere, Map.of(), "--version");
        assertEquals(0, version.exit(), version.text());
        assertTrue(version.out().startsWith("virtual-kubelet for the JVM " + Installation.version() + " "),
                version.text());

        Processes.Result help = install.run(elsewhere, Map.of(), "--help");
        assertEquals(0, help.exit(), help.text());
        for (String expected : List.of("Usage: virtual-kubelet", "--provider", "--kubeconfig",
                "--service-account-dir", "providers", "local")) {
            assertTrue(help.out().contains(expected), "--help lacks " + expected + ":\n" + help.text());
        }

        Processes.Result providers = install.run(elsewhere, Map.of(), "providers");
        assertEquals(0, providers.exit(), providers.text());
        assertTrue(providers.out().contains("Plugin directory: " + install.plugins().toRealPath()), providers.text());
        for (String id : List.of("mock", "aws", "azure")) {
            String[] cells = row(providers.out(), id);
            assertTrue(cells != null, "no plugin " + id + ":\n" + providers.text());
            assertEquals(List.of(id, Installation.version(), "started", id,
                    install.plugins().toRealPath().resolve(id + "-plugin.jar").toString()), Arrays.asList(cells));
        }

        Path link = elsewhere.resolve("vk");
        Files.createSymbolicLink(link, install.launcher());
        Processes.Result viaLink = Processes.run(List.of(link.toString(), "providers"), dir, Map.of(),
                Duration.ofMinutes(1));
        assertEquals(0, viaLink.exit(), viaLink.text());
        assertTrue(viaLink.out().contains("Plugin directory: " + install.plugins().toRealPath()), viaLink.text());
    }

    @Test
    void theLauncherHonoursJavaOptsAndRefusesAnOldJava() throws IOException, InterruptedException {
        Processes.Result withOpts = install.run(elsewhere, Map.of("JAVA_OPTS", "-XshowSettings:properties -Dvk.probe=1"),
                "--version");
        assertEquals(0, withOpts.exit(), withOpts.text());
        assertTrue(withOpts.err().contains("vk.probe = 1"), withOpts.text());
        assertTrue(withOpts.err().contains("vk.home = " + install.home().toRealPath()), withOpts.text());

        Path oldJava = Files.createDirectories(dir.resolve("jdk8/bin")).resolve("java");
        Files.writeString(oldJava, "#!/bin/sh\necho 'java version \"1.8.0_392\"' >&2\n");
        Files.setPosixFilePermissions(oldJava, PosixFilePermissions.fromString("rwxr-xr-x"));
        Processes.Result tooOld = install.run(elsewhere, Map.of("JAVA_HOME", dir.resolve("jdk8").toString()),
                "--version");
        assertEquals(2, tooOld.exit(), tooOld.text());
        assertTrue(tooOld.err().contains("needs Java 17 or later, but " + oldJava + " is version '1.8.0_392'"),
                tooOld.text());

        Processes.Result noJava = install.run(elsewhere, Map.of("JAVA_HOME", dir.resolve("nothing").toString()),
                "--version");
        assertEquals(2, noJava.exit(), noJava.text());
        assertTrue(noJava.err().contains("is not an executable"), noJava.text());
    }

    @Test
    void theLauncherGivesSmallFootprintDefaultsThatJavaOptsOverride() throws IOException, InterruptedException {
        Processes.Result plain = install.run(elsewhere, Map.of("JAVA_OPTS", "-XX:+PrintCommandLineFlags"), "--version");
        assertEquals(0, plain.exit(), plain.text());
        for (String flag : List.of("-XX:+UseSerialGC", "-XX:InitialHeapSize=33554432", "-XX:TieredStopAtLevel=1")) {
            assertTrue(plain.out().contains(flag), "no " + flag + ": " + plain.text());
        }
        Processes.Result otherGc = install.run(elsewhere,
                Map.of("JAVA_OPTS", "-XX:+UseParallelGC -Xms64m -XX:+PrintCommandLineFlags"), "--version");
        assertEquals(0, otherGc.exit(), otherGc.text());
        assertTrue(otherGc.out().contains("-XX:+UseParallelGC") && !otherGc.out().contains("UseSerialGC")
                && otherGc.out().contains("-XX:InitialHeapSize=67108864"), otherGc.text());
        Processes.Result none = install.run(elsewhere,
                Map.of("VK_JVM_DEFAULTS", "", "JAVA_OPTS", "-XX:+PrintCommandLineFlags"), "--version");
        assertEquals(0, none.exit(), none.text());
        assertFalse(none.out().contains("TieredStopAtLevel") || none.out().contains("UseSerialGC"), none.text());
    }

    @Test
    void anAgentsFirstRunRecordsItsClassesAndLaterStartsMapThem() throws IOException, InterruptedException {
        Path cds = dir.resolve("cds");
        Map<String, String> env = Map.of("VK_CDS_DIR", cds.toString());
        assertEquals(0, install.run(elsewhere, env, "--version").exit());
        assertFalse(Files.exists(cds) && listing(cds).size() > 0, "--version is no node agent, but recorded");

        // a node agent that cannot reach its API server gives up, and records as it exits
        Path kubeconfig = Files.writeString(dir.resolve("unreachable.kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
                users: [{name: u, user: {token: t}}]
                contexts: [{name: x, context: {cluster: c, user: u}}]
                current-context: x
                """);
        Processes.Result agent = install.run(elsewhere, env, "--provider", "mock", "--kubeconfig", kubeconfig.toString(),
                "--startup-timeout", "1s", "--listen-port", "0", "--metrics-addr=");
        assertEquals(1, agent.exit(), agent.text());
        assertFalse(agent.text().contains("[warning]"), "the JVM's CDS warnings reach the user: " + agent.text());
        List<String> recorded = listing(cds);
        assertEquals(1, recorded.size(), recorded.toString());
        assertTrue(recorded.get(0).matches("agent-\\d+\\.jsa\\.\\d+"), recorded.toString());
        String archive = recorded.get(0).replaceAll("\\.\\d+$", "");

        // a damaged recording of another finished run is thrown away, the good one becomes the archive
        byte[] good = Files.readAllBytes(cds.resolve(recorded.get(0)));
        Files.write(cds.resolve(archive + ".99999999"), Arrays.copyOf(good, 4096));
        Map<String, String> traced = Map.of("VK_CDS_DIR", cds.toString(), "JAVA_OPTS", "-Xlog:class+load=info");
        Processes.Result mapped = install.run(elsewhere, traced, "--version");
        assertEquals(0, mapped.exit(), mapped.text());
        assertTrue(mapped.out().contains("dev.vkubelet.core.launcher.Launcher source: shared objects file (top)"),
                "the archive is not mapped: " + mapped.out().lines().filter(l -> l.contains("vkubelet")).toList());
        assertEquals(List.of(archive), listing(cds));

        Map<String, String> off = new java.util.HashMap<>(traced);
        off.put("VK_CDS", "off");
        Processes.Result unmapped = install.run(elsewhere, off, "--version");
        assertEquals(0, unmapped.exit(), unmapped.text());
        assertFalse(unmapped.out().contains("shared objects file (top)"), "VK_CDS=off still maps the archive");
    }

    private static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void pluginsAreDropInsAndDisabledTxtSwitchesThemOff() throws IOException, InterruptedException {
        Files.delete(install.plugins().resolve("aws-plugin.jar"));
        Processes.Result providers = install.run(elsewhere, Map.of(), "providers");
        assertEquals(0, providers.exit(), providers.text());
        assertEquals(null, row(providers.out(), "aws"), providers.text());
        assertFalse(providers.out().contains("aws-plugin.jar"), providers.text());

        Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), "apiVersion: v1\nkind: Config\n");
        Processes.Result run = install.run(elsewhere, Map.of(), "--provider", "aws", "--kubeconfig",
                kubeconfig.toString(), "--metrics-addr=");
        assertEquals(1, run.exit(), run.text());
        assertTrue(run.err().contains("unknown provider 'aws'; found in " + install.plugins().toRealPath()
                + ": azure (azure-plugin.jar), mock (mock-plugin.jar)"), run.text());

        Files.writeString(install.plugins().resolve("disabled.txt"), "azure\n");
        Processes.Result disabled = install.run(elsewhere, Map.of(), "providers");
        assertEquals("disabled", row(disabled.out(), "azure")[2], disabled.text());
        assertEquals("started", row(disabled.out(), "mock")[2], disabled.text());
    }

    @Test
    void aProviderBuiltFromTheTemplateLoadsAndAWrongPluginRequiresIsNamed() throws IOException, InterruptedException {
        Path project = dir.resolve("acme-provider");
        copyTree(install.home().resolve("provider-template"), project);
        Processes.Result build = Processes.run(List.of("mvn", "-B", "-ntp", "package"), project, Map.of(),
                Duration.ofMinutes(10));
        assertEquals(0, build.exit(), build.text());
        // the two skipped: the suite's tests for providers that serve many nodes from one instance
        // (MultiNodeProvider) and that serve logs (ContainerLogs), which the template does not declare
        Matcher suite = Pattern.compile("Tests run: (\\d+), Failures: 0, Errors: 0, Skipped: 2, Time elapsed: .* in "
                + "com\\.example\\.vk\\.ExampleProviderConformanceTest").matcher(build.out());
        assertTrue(suite.find() && Integer.parseInt(suite.group(1)) > 1,
                "the conformance suite did not run in the template's build:\n" + build.out());
        Path jar = project.resolve("target/example-provider-1.0.0-SNAPSHOT-plugin.jar");
        assertTrue(Files.isRegularFile(jar), "no plugin jar: " + build.text());

        Files.copy(jar, install.plugins().resolve("example-plugin.jar"));
        withManifest(jar, install.plugins().resolve("example-future-plugin.jar"), Map.of("Plugin-Id", "example-future",
                "Plugin-Requires", ">=9.0.0"));
        Processes.Result providers = install.run(elsewhere, Map.of(), "providers");
        assertEquals(0, providers.exit(), providers.text());
        assertEquals(List.of("example", "1.0.0-SNAPSHOT", "started", "example",
                install.plugins().toRealPath().resolve("example-plugin.jar").toString()),
                Arrays.asList(row(providers.out(), "example")), providers.text());
        assertEquals("failed", row(providers.out(), "example-future")[2], providers.text());
        assertTrue(providers.out().contains("\n    requires host version '>=9.0.0', but this host is 0.1.0\n"),
                providers.text());
        assertEquals("started", row(providers.out(), "mock")[2], providers.text());
    }

    @Test
    void theDockerfileCopiesWhatTheDistributionHasAndItsEntryPointRuns() throws IOException, InterruptedException {
        List<String> instructions = instructions(install.home().resolve("Dockerfile"));
        List<String[]> copies = new ArrayList<>();
        String entryPoint = null;
        List<String> cmd = List.of();
        for (String instruction : instructions) {
            String[] words = instruction.split("\\s+", 2);
            switch (words[0].toUpperCase()) {
                case "COPY" -> {
                    String[] parts = words[1].trim().split("\\s+");
                    for (int i = 0; i < parts.length - 1; i++) {
                        Path source = install.home().resolve(parts[i]);
                        assertTrue(Files.exists(source), "COPY " + parts[i] + ": not in the distribution");
                        copies.add(new String[] {parts[i], parts[parts.length - 1]});
                    }
                }
                case "ENTRYPOINT" -> entryPoint = jsonArray(words[1]).get(0);
                case "CMD" -> cmd = jsonArray(words[1]);
                default -> { }
            }
        }
        assertTrue(instructions.get(0).startsWith("FROM "), instructions.get(0));
        assertTrue(entryPoint != null, "no ENTRYPOINT");
        Path local = null;
        for (String[] copy : copies) {
            String target = copy[1].endsWith("/") ? copy[1] : copy[1] + "/";
            if (copy[0].endsWith("/") && entryPoint.startsWith(target)) {
                local = install.home().resolve(copy[0]).resolve(entryPoint.substring(target.length()));
            }
        }
        assertTrue(local != null && Files.isExecutable(local), "the entry point " + entryPoint
                + " is not an executable the image copies from the distribution");

        Processes.Result version = Processes.run(List.of(local.toString(), "--version"), elsewhere, Map.of(),
                Duration.ofMinutes(1));
        assertEquals(0, version.exit(), version.text());
        List<String> withCmd = new ArrayList<>(List.of(local.toString()));
        withCmd.addAll(cmd);
        Processes.Result outsideCluster = Processes.run(withCmd, elsewhere, Map.of("HOME", elsewhere.toString()),
                Duration.ofMinutes(1));
        assertEquals(2, outsideCluster.exit(), outsideCluster.text());
        assertTrue(outsideCluster.err().contains("not inside a cluster (KUBERNETES_SERVICE_HOST"),
                "the image's default command should be a valid in-cluster command line:\n" + outsideCluster.text());
    }

    /** The Dockerfile's instructions, continuation lines joined, comments dropped. */
    private static List<String> instructions(Path dockerfile) throws IOException {
        List<String> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Files.readAllLines(dockerfile)) {
            String trimmed = line.trim();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            instructions.add(current.append(trimmed).toString());
            current.setLength(0);
        }
        return instructions;
    }

    private static List<String> jsonArray(String text) {
        String inner = text.trim();
        assertTrue(inner.startsWith("[") && inner.endsWith("]"), "not exec form: " + text);
        List<String> items = new ArrayList<>();
        Matcher m = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(inner);
        while (m.find()) {
            items.add(m.group(1));
        }
        return items;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : files.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }

    /** A copy of plugin jar {@code from} with manifest attributes replaced, as a third party might ship it. */
    private static void withManifest(Path from, Path to, Map<String, String> attributes) throws IOException {
        try (JarFile jar = new JarFile(from.toFile())) {
            Manifest manifest = new Manifest(jar.getManifest());
            attributes.forEach((k, v) -> manifest.getMainAttributes().putValue(k, v));
            try (OutputStream file = Files.newOutputStream(to); JarOutputStream out = new JarOutputStream(file, manifest)) {
                Enumeration<JarEntry> entries = jar.entries();
                while (entries.hasMoreElements()) {
                    JarEntry entry = entries.nextElement();
                    if (entry.getName().equalsIgnoreCase("META-INF/MANIFEST.MF")) {
                        continue;
                    }
                    out.putNextEntry(new JarEntry(entry.getName()));
                    try (InputStream in = jar.getInputStream(entry)) {
                        in.transferTo(out);
                    }
                    out.closeEntry();
                }
            }
        }
    }
}
