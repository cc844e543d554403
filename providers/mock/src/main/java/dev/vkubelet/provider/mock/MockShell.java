package dev.vkubelet.provider.mock;

import dev.vkubelet.provider.AttachIO;
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

/**
 * The mock provider's tiny command set for exec: {@code echo}, {@code cat} (stdin to stdout),
 * {@code env}, {@code hostname}, {@code ls}, {@code tty}, {@code sleep N}, {@code exit N}, {@code true},
 * {@code false}, and {@code sh -c '...'} of those (commands joined with {@code ;} or {@code &&}).
 */
final class MockShell {

    private final V1Pod pod;
    private final V1Container container;
    private final AttachIO io;

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
        if (command.get(0).equals("sh") || command.get(0).equals("/bin/sh")) {
            if (command.size() >= 3 && command.get(1).equals("-c")) {
                return script(command.get(2));
            }
            return err("mock sh only runs -c SCRIPT\n", 2);
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
                        text.append(var.getName()).append('=').append(var.getValue() == null ? "" : var.getValue())
                                .append('\n');
                    }
                }
                yield out(text.toString());
            }
            case "cat" -> cat();
            case "tty" -> io.tty() ? out("/dev/pts/0\n") : err("not a tty\n", 1);
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
        write(io.stdout().orElse(null), text);
        return 0;
    }

    private int err(String text, int code) {
        write(io.stderr().or(io::stdout).orElse(null), text);
        return code;
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
