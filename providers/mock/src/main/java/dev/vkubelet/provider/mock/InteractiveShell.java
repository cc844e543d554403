package dev.vkubelet.provider.mock;

import dev.vkubelet.provider.AttachIO;
import dev.vkubelet.provider.TerminalSize;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * {@code sh} without {@code -c}: reads command lines from stdin and runs each with the mock's
 * commands until {@code exit} or the end of input. With a terminal ({@code kubectl exec -it}) it
 * behaves as a shell on a terminal would, the client's terminal being in raw mode: a {@code $ }
 * prompt, typed characters echoed, backspace erasing, Enter ending the line, Ctrl-C abandoning it,
 * Ctrl-D on an empty line ending the session, {@code \r\n} line ends; {@code stty size} reports the
 * terminal's size as the client last sent it. Without a terminal it prints no prompt and echoes
 * nothing, as {@code sh} reading a pipe.
 */
final class InteractiveShell {

    static final String PROMPT = "$ ";
    private static final int CTRL_C = 3;
    private static final int CTRL_D = 4;
    private static final int BACKSPACE = 0x7f;
    private static final int CTRL_H = 8;

    private final AttachIO io;
    /** Runs one command line, writing to the streams it is given; returns its exit code. */
    private final Function<String, Integer> run;
    private final AtomicReference<Optional<TerminalSize>> size = new AtomicReference<>(Optional.empty());

    InteractiveShell(AttachIO io, Function<String, Integer> run) {
        this.io = io;
        this.run = run;
        if (io.tty()) {
            io.onResize(s -> size.set(Optional.of(s)));
        }
    }

    /** The terminal's size as last reported, if the client sent one. */
    Optional<TerminalSize> size() {
        return size.get();
    }

    /** Runs until {@code exit}, Ctrl-D or the end of input; returns the last command's exit code. */
    int run() {
        if (io.stdin().isEmpty()) {
            return 0; // nothing will ever be typed
        }
        int last = 0;
        while (true) {
            if (io.tty()) {
                write(PROMPT);
            }
            Optional<String> line = readLine(true);
            if (line.isEmpty()) {
                if (io.tty()) {
                    write("exit\r\n");
                }
                return last;
            }
            String text = line.get().strip();
            if (text.isEmpty()) {
                continue;
            }
            last = run.apply(text);
            if (text.equals("exit") || text.startsWith("exit ")) {
                return last;
            }
        }
    }

    /**
     * The next line of input: typed on the terminal (and echoed) or read from a pipe; empty at the
     * end, and on a terminal at Ctrl-D on an empty line and, unless {@code atPrompt}, at Ctrl-C.
     */
    Optional<String> readLine(boolean atPrompt) {
        Optional<InputStream> in = io.stdin();
        if (in.isEmpty()) {
            return Optional.empty();
        }
        try {
            return io.tty() ? typedLine(in.get(), atPrompt) : pipedLine(in.get());
        } catch (IOException e) {
            return Optional.empty(); // the client went away
        }
    }

    /** A line as typed on a raw terminal, echoed as the terminal's line discipline would. */
    private Optional<String> typedLine(InputStream in, boolean atPrompt) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                return Optional.empty();
            }
            switch (b) {
                case '\r', '\n' -> {
                    write("\r\n");
                    return Optional.of(line.toString(StandardCharsets.UTF_8));
                }
                case CTRL_C -> {
                    write("^C\r\n");
                    if (!atPrompt) {
                        return Optional.empty();
                    }
                    write(PROMPT);
                    line.reset();
                }
                case CTRL_D -> {
                    if (line.size() == 0) {
                        return Optional.empty();
                    }
                }
                case BACKSPACE, CTRL_H -> {
                    if (line.size() > 0) {
                        byte[] kept = line.toByteArray();
                        int cut = kept.length - 1;
                        while (cut > 0 && (kept[cut] & 0xC0) == 0x80) {
                            cut--; // a whole UTF-8 character
                        }
                        line.reset();
                        line.write(kept, 0, cut);
                        write("\b \b");
                    }
                }
                default -> {
                    line.write(b);
                    write(new byte[] {(byte) b});
                }
            }
        }
    }

    /** A line of a pipe, without its line end; empty at the end. */
    private static Optional<String> pipedLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b >= 0; b = in.read()) {
            if (b == '\n') {
                return Optional.of(line.toString(StandardCharsets.UTF_8));
            }
            line.write(b);
        }
        return line.size() == 0 ? Optional.empty() : Optional.of(line.toString(StandardCharsets.UTF_8));
    }

    private void write(String text) {
        write(text.getBytes(StandardCharsets.UTF_8));
    }

    private void write(byte[] bytes) {
        io.stdout().ifPresent(out -> {
            try {
                out.write(bytes);
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
