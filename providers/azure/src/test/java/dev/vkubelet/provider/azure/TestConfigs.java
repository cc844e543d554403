package dev.vkubelet.provider.azure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Provider config files for tests: the emulator at a two-hundredth of ACI's latencies. */
final class TestConfigs {

    private TestConfigs() {}

    /** A fast embedded-emulator config, plus {@code extra} YAML lines. */
    static Path fast(String... extra) {
        StringBuilder yaml = new StringBuilder("""
                resourceGroup: test-rg
                pollInterval: 100ms
                emulator:
                  timeScale: 0.005
                  requestRates: {reads: 1000, writes: 1000}
                """);
        for (String line : extra) {
            yaml.append(line).append('\n');
        }
        return write(yaml.toString());
    }

    static Path write(String text) {
        try {
            Path file = Files.createTempFile("azure-provider", ".yaml");
            file.toFile().deleteOnExit();
            Files.writeString(file, text);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
