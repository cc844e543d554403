package dev.vkubelet.provider.testkit;

import dev.vkubelet.provider.LogOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** Log options and reading for provider log tests. */
public final class TestLogs {

    private TestLogs() {}

    /** The last {@code lines} lines. */
    public static LogOptions tail(int lines) {
        return new LogOptions(OptionalInt.of(lines), OptionalLong.empty(), false, false, false, OptionalLong.empty(),
                Optional.empty());
    }

    /** At most {@code bytes} bytes, with timestamps. */
    public static LogOptions stampedAndLimited(long bytes) {
        return new LogOptions(OptionalInt.empty(), OptionalLong.of(bytes), true, false, false, OptionalLong.empty(),
                Optional.empty());
    }

    /** The whole log, followed. */
    public static LogOptions follow() {
        return new LogOptions(OptionalInt.empty(), OptionalLong.empty(), false, true, false, OptionalLong.empty(),
                Optional.empty());
    }

    /** Reads the stream to its end and closes it. */
    public static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
