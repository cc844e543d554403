package dev.vkubelet.provider.azure.emulator;

import dev.vkubelet.provider.cloudkit.ShellWords;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The commands an emulated container runs for exec: {@code echo}, {@code hostname}, {@code env},
 * {@code cat} (stdin back to stdout), {@code true}, {@code false}, and {@code sh} (or
 * {@code /bin/sh}, {@code bash}), which reads command lines from stdin until {@code exit} or the
 * end of input. Anything else answers {@code <name>: command not found}.
 */
final class ExecShell implements ExecSockets.Command {

    private final String command;
    private final String hostname;
    private final Map<String, String> env;

    ExecShell(String command, String hostname, Map<String, String> env) {
        this.command = command;
        this.hostname = hostname;
        this.env = env;
    }

    @Override
    public void accept(InputStream in, OutputStream out) {
        try {
            List<String> words = ShellWords.split(command);
            if (!words.isEmpty() && isShell(words.get(0)) && words.size() == 1) {
                BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    List<String> w = ShellWords.split(line);
                    if (!w.isEmpty() && "exit".equals(w.get(0))) {
                        return;
                    }
                    run(w, in, out);
                }
                return;
            }
            run(words, in, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isShell(String program) {
        String name = program.substring(program.lastIndexOf('/') + 1);
        return name.equals("sh") || name.equals("bash");
    }

    private void run(List<String> words, InputStream in, OutputStream out) throws IOException {
        if (words.isEmpty()) {
            return;
        }
        String text = switch (words.get(0)) {
            case "echo" -> String.join(" ", words.subList(1, words.size())) + "\n";
            case "hostname" -> hostname + "\n";
            case "env" -> {
                StringBuilder b = new StringBuilder();
                env.forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
                yield b.toString();
            }
            case "true", "false" -> "";
            case "cat" -> {
                in.transferTo(out);
                yield "";
            }
            default -> words.get(0) + ": command not found\n";
        };
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
