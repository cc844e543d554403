package dev.vkubelet.core.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vkubelet.core.cli.Cli;
import dev.vkubelet.tracing.exporters.ExporterSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** DEBUGGING.md and the command-line reference name exactly the settings the code reads; README's links hold. */
class DocumentedSettingsTest {

    private static final Path ROOT = Path.of(System.getProperty("vk.project.root", "../.."));

    private static Set<String> matches(String text, String regex) {
        Set<String> found = new TreeSet<>();
        Matcher m = Pattern.compile(regex).matcher(text);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    @Test
    void debuggingMdListsExactlyTheExporterVariablesTheCodeReads() throws IOException {
        String debugging = Files.readString(ROOT.resolve("DEBUGGING.md"));
        Set<String> documented = matches(debugging, "`((?:JAEGER|JAGER|ZPAGES|ZIPKIN|VK_TRACE|OTEL_EXPORTER)_[A-Z_]+)`");
        assertEquals(new TreeSet<>(ExporterSettings.VARIABLES), documented);
        for (String exporter : ExporterSettings.NAMES) {
            assertTrue(debugging.contains("| `" + exporter + "` |"), "DEBUGGING.md lacks exporter " + exporter);
        }
    }

    @Test
    void theCommandLineReferenceDocumentsEveryFlagTheCliAccepts() throws IOException {
        String reference = Files.readString(ROOT.resolve("dist/docs/command-line.md"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new Cli(Map.of(), Path.of("/nonexistent"), Optional.empty(), new PrintStream(out, true, StandardCharsets.UTF_8),
                System.err, config -> 0).run("--help");
        Set<String> flags = matches(out.toString(StandardCharsets.UTF_8), "(?m)^    (--[a-z-]+)");
        flags.remove("--help");
        assertTrue(flags.size() > 20, "parsed flags: " + flags);
        for (String flag : flags) {
            assertTrue(reference.contains("`" + flag + "`"), "dist/docs/command-line.md does not document " + flag);
        }
    }

    @Test
    void everyDocumentTheReadmeAndDebuggingNameExists() throws IOException {
        for (String page : List.of("README.md", "DEBUGGING.md")) {
            Set<String> named = matches(Files.readString(ROOT.resolve(page)), "`((?:dist/docs|providers)/[\\w./*-]+\\.(?:md|html))`");
            named.removeIf(path -> path.contains("*"));
            assertTrue(!named.isEmpty(), page + " names no document");
            for (String path : named) {
                assertTrue(Files.isRegularFile(ROOT.resolve(path)), page + " names " + path + ", which does not exist");
            }
        }
    }
}
