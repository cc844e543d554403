package dev.vkubelet.provider.mock;

import dev.vkubelet.provider.AttachIO;
import dev.vkubelet.provider.TerminalSize;
import dev.vkubelet.provider.cloudkit.ShellWords;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1Pod;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The mock provider's tiny command set for exec: {@code echo}, {@code cat} (stdin to stdout),
 * {@code env}, {@code hostname}, {@code ls}, {@code tty}, {@code stty size}, {@code sleep N},
 * {@code exit N}, {@code true}, {@code false}, {@code sh -c '...'} of those (commands joined with
 * {@code ;} or {@code &&}), and {@code sh} (or {@code bash}) alone: an interactive session of them
 * ({@link InteractiveShell}). In an interactive session {@code env} shows where a Secret's variable
 * comes from instead of its value (a terminal is looked at and recorded); {@code env} as a command
 * of its own prints what the container runs with, Secret values included, as a container would.
 */
final class MockShell {

    private final V1Pod pod;
    private final V1Container container;
    private final AttachIO io;
    /** The interactive session this shell runs commands for, if any. */
    private InteractiveShell session;

    MockShell(V1Pod pod, V1Container container, AttachIO io) {
        this.pod = pod;
        this.container = container;
        this.io = io;
    }

    /** Runs {@code command} and returns its exit code. */
    int run(List<String> command) {
        if (command.isEmpty()) {
            return err("no command\n", 126);
        }
        String program = command.get(0).substring(command.get(0).lastIndexOf('/') + 1);
        if (program.equals("sh") || program.equals("bash")) {
            if (command.size() >= 3 && command.get(1).equals("-c")) {
                return script(command.get(2));
            }
            if (command.size() == 1 || command.size() == 2 && command.get(1).equals("-i")) {
                if (session != null) {
                    return err("mock sh: no shell in a shell\n", 2);
                }
                session = new InteractiveShell(io, this::script);
                try {
                    return session.run();
                } finally {
                    session = null;
                }
            }
            return err("mock sh runs -c SCRIPT, or alone for an interactive shell\n", 2);
        }
        String name = command.get(0);
        List<String> args = command.subList(1, command.size());
        return switch (name) {
            case "echo" -> out(String.join(" ", args) + "\n");
            case "true" -> 0;
            case "false" -> 1;
            case "hostname" -> out(pod.getMetadata().getName() + "\n");
            case "ls" -> out("bin\ndev\netc\nhome\nproc\nroot\ntmp\nusr\nvar\n");
            case "env" -> {
                StringBuilder text = new StringBuilder("HOSTNAME=" + pod.getMetadata().getName() + "\n");
                if (container.getEnv() != null) {
                    for (V1EnvVar var : container.getEnv()) {
                        var secret = var.getValueFrom() == null ? null : var.getValueFrom().getSecretKeyRef();
                        String value = session != null && secret != null
                                ? "(from Secret " + secret.getName() + ", key " + secret.getKey() + ")"
                                : var.getValue() == null ? "" : var.getValue();
                        text.append(var.getName()).append('=').append(value).append('\n');
                    }
                }
                yield out(text.toString());
            }
            case "cat" -> session != null && io.tty() ? typedCat() : cat();
            case "tty" -> io.tty() ? out("/dev/pts/0\n") : err("not a tty\n", 1);
            case "stty" -> stty(args);
            case "sleep" -> sleep(args);
            case "exit" -> args.isEmpty() ? 0 : parseCode(args.get(0));
            default -> err("mock: " + name + ": command not found\n", 127);
        };
    }

    private int script(String text) {
        int code = 0;
        for (String part : text.split(";")) {
            for (String step : part.split("&&")) {
                List<String> words = ShellWords.split(step.trim());
                if (words.isEmpty()) {
                    continue;
                }
                code = run(words);
                if (words.get(0).equals("exit") || code != 0 && part.contains("&&")) {
                    return code;
                }
            }
        }
        return code;
    }

    /** {@code stty size}: the terminal's rows and columns as the client last sent them. */
    private int stty(List<String> args) {
        if (!args.equals(List.of("size"))) {
            return err("mock stty: only size\n", 1);
        }
        if (!io.tty()) {
            return err("stty: 'standard input': Inappropriate ioctl for device\n", 1);
        }
        Optional<TerminalSize> size = session == null ? Optional.empty() : session.size();
        return out(size.map(s -> s.height() + " " + s.width()).orElse("0 0") + "\n");
    }

    /** {@code cat} on a terminal: each typed line back, until Ctrl-D on an empty line (or Ctrl-C). */
    private int typedCat() {
        for (Optional<String> line = session.readLine(false); line.isPresent(); line = session.readLine(false)) {
            out(line.get() + "\n");
        }
        return 0;
    }

    private int cat() {
        if (io.stdin().isEmpty()) {
            return 0;
        }
        try {
            InputStream in = io.stdin().get();
            byte[] buffer = new byte[4096];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                if (io.stdout().isPresent()) {
                    io.stdout().get().write(buffer, 0, n);
                    io.stdout().get().flush();
                }
            }
            return 0;
        } catch (IOException e) {
            return err("cat: " + e.getMessage() + "\n", 1);
        }
    }

    private int sleep(List<String> args) {
        try {
            Thread.sleep((long) (Double.parseDouble(args.isEmpty() ? "0" : args.get(0)) * 1000));
            return 0;
        } catch (NumberFormatException e) {
            return err("sleep: invalid time interval '" + args.get(0) + "'\n", 1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    private int parseCode(String text) {
        try {
            return Integer.parseInt(text) & 0xff;
        } catch (NumberFormatException e) {
            return err("exit: " + text + ": numeric argument required\n", 2);
        }
    }

    private int out(String text) {
        write(io.stdout().orElse(null), onTerminal(text));
        return 0;
    }

    private int err(String text, int code) {
        write(io.stderr().or(io::stdout).orElse(null), onTerminal(text));
        return code;
    }

    /** On a terminal (an interactive session with a TTY) line ends are {@code \r\n}. */
    private String onTerminal(String text) {
        return session != null && io.tty() ? text.replace("\n", "\r\n") : text;
    }

    private static void write(OutputStream stream, String text) {
        if (stream == null) {
            return;
        }
        try {
            stream.write(text.getBytes(StandardCharsets.UTF_8));
            stream.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
