package dev.vkubelet.provider.aws;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Provider config files for tests: the emulator at a thousandth of Fargate's latencies. */
final class TestConfigs {

    private TestConfigs() {}

    /** A fast embedded-emulator config, plus {@code extra} YAML lines. */
    static Path fast(String... extra) {
        StringBuilder yaml = new StringBuilder("""
                cluster: test-cluster
                subnets: [subnet-test]
                pollInterval: 100ms
                emulator:
                  timeScale: 0.005
                """);
        for (String line : extra) {
            yaml.append(line).append('\n');
        }
        return write(yaml.toString());
    }

    static Path write(String text) {
        try {
            Path file = Files.createTempFile("aws-provider", ".yaml");
            file.toFile().deleteOnExit();
            Files.writeString(file, text);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
