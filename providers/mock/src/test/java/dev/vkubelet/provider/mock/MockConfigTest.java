package dev.vkubelet.provider.mock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vkubelet.provider.InvalidInputException;
import io.kubernetes.client.custom.Quantity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MockConfigTest {

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    @Test
    void readsUpstreamStyleJsonForTheNode() throws IOException {
        Path file = write("mock.json", """
                {"vk-a": {"cpu": "2", "memory": "32Gi", "pods": "128", "others": {"nvidia.com/gpu": "4"}},
                 "vk-b": {"cpu": "8"}}
                """);
        MockConfig config = MockConfig.load(file, "vk-a");
        assertEquals(new Quantity("2"), config.cpu());
        assertEquals(new Quantity("32Gi"), config.memory());
        assertEquals(new Quantity("128"), config.pods());
        assertEquals(new Quantity("4"), config.others().get("nvidia.com/gpu"));
        assertEquals(Duration.ZERO, config.runningDelay());
    }

    @Test
    void readsYamlAndFillsDefaults() throws IOException {
        Path file = write("mock.yaml", """
                vk-b:
                  cpu: 8
                  runningDelay: 1m30s
                """);
        MockConfig config = MockConfig.load(file, "vk-b");
        assertEquals(new Quantity("8"), config.cpu());
        assertEquals(new Quantity(MockConfig.DEFAULT_MEMORY), config.memory());
        assertEquals(new Quantity(MockConfig.DEFAULT_PODS), config.pods());
        assertEquals(Duration.ofSeconds(90), config.runningDelay());
    }

    @Test
    void traceGranularityOverridesTheHostsSetting() throws IOException {
        Path file = write("g.yaml", "vk:\n  traceGranularity: fine\n");
        assertEquals(java.util.Optional.of(dev.vkubelet.tracing.Granularity.FINE),
                MockConfig.load(file, "vk").traceGranularity());
        InvalidInputException bad = assertThrows(InvalidInputException.class,
                () -> MockConfig.load(write("b.yaml", "vk:\n  traceGranularity: chatty\n"), "vk"));
        assertTrue(bad.getMessage().contains("'traceGranularity'"), bad.getMessage());
    }

    @Test
    void nodeMissingFromTheFileGetsDefaults() throws IOException {
        Path file = write("mock.json", "{\"other\": {\"cpu\": \"1\"}}");
        assertEquals(MockConfig.defaults(), MockConfig.load(file, "vk-a"));
    }

    @Test
    void malformedFilesNameTheProblem() throws IOException {
        InvalidInputException syntax = assertThrows(InvalidInputException.class,
                () -> MockConfig.load(write("bad.json", "{\"vk\": {\"cpu\": "), "vk"));
        assertTrue(syntax.getMessage().contains("not valid JSON or YAML"), syntax.getMessage());

        InvalidInputException quantity = assertThrows(InvalidInputException.class,
                () -> MockConfig.load(write("q.json", "{\"vk\": {\"memory\": \"lots\"}}"), "vk"));
        assertTrue(quantity.getMessage().contains("'memory' is not a Kubernetes quantity: 'lots'"), quantity.getMessage());

        InvalidInputException unknown = assertThrows(InvalidInputException.class,
                () -> MockConfig.load(write("u.json", "{\"vk\": {\"cpus\": \"1\"}}"), "vk"));
        assertTrue(unknown.getMessage().contains("unknown field 'cpus'"), unknown.getMessage());

        InvalidInputException delay = assertThrows(InvalidInputException.class,
                () -> MockConfig.load(write("d.json", "{\"vk\": {\"runningDelay\": \"soon\"}}"), "vk"));
        assertTrue(delay.getMessage().contains("runningDelay"), delay.getMessage());

        InvalidInputException shape = assertThrows(InvalidInputException.class,
                () -> MockConfig.load(write("s.json", "[1, 2]"), "vk"));
        assertTrue(shape.getMessage().contains("keyed by node name"), shape.getMessage());

        assertThrows(InvalidInputException.class, () -> MockConfig.load(dir.resolve("missing.json"), "vk"));
    }
}
