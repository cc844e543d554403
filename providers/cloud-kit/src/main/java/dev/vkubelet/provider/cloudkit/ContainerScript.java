package dev.vkubelet.provider.cloudkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What an emulated container does, read from its entry point and command as a shell would run
 * them. Understood: {@code sh -c '<script>'} (also {@code /bin/sh}, {@code bash}) whose script is
 * {@code echo}, {@code sleep}, {@code exit}, {@code true} and {@code false} commands separated
 * by {@code ;}, {@code &&} or new lines; and a bare {@code sleep N}, {@code echo ...},
 * {@code true} or {@code false}. Anything else is a server: it logs that it started and runs
 * until the task is stopped.
 *
 * @param steps what the container does, in order; a script that ends without {@code exit} exits 0
 * @param server whether the container runs until stopped
 */
public record ContainerScript(List<Step> steps, boolean server) {

    /** One command of the script. */
    public sealed interface Step permits Echo, Sleep, Exit {}

    /** Writes a log line. */
    public record Echo(String text) implements Step {}

    /** Waits. */
    public record Sleep(Duration duration) implements Step {}

    /** Ends the container with this code. */
    public record Exit(int code) implements Step {}

    public static ContainerScript of(List<String> entryPoint, List<String> command) {
        List<String> argv = new ArrayList<>();
        if (entryPoint != null) {
            argv.addAll(entryPoint);
        }
        if (command != null) {
            argv.addAll(command);
        }
        if (argv.size() >= 3 && isShell(argv.get(0)) && "-c".equals(argv.get(1))) {
            List<Step> steps = new ArrayList<>();
            for (String line : argv.get(2).split(";|&&|\\n")) {
                if (line.isBlank()) {
                    continue;
                }
                Step step = step(ShellWords.split(line.strip()));
                if (step == null) {
                    return server(argv);
                }
                steps.add(step);
            }
            return new ContainerScript(steps, false);
        }
        Step single = argv.isEmpty() ? null : step(argv);
        return single == null ? server(argv) : new ContainerScript(List.of(single), false);
    }

    private static ContainerScript server(List<String> argv) {
        String what = argv.isEmpty() ? "the image's default command" : String.join(" ", argv);
        return new ContainerScript(List.of(new Echo("started " + what)), true);
    }

    private static boolean isShell(String program) {
        String name = program.substring(program.lastIndexOf('/') + 1);
        return name.equals("sh") || name.equals("bash") || name.equals("ash") || name.equals("dash");
    }

    private static Step step(List<String> words) {
        String name = words.get(0);
        List<String> args = words.subList(1, words.size());
        try {
            return switch (name) {
                case "echo" -> new Echo(String.join(" ", args));
                case "sleep" -> args.size() == 1
                        ? new Sleep(Duration.ofMillis(Math.round(Double.parseDouble(args.get(0)) * 1000))) : null;
                case "exit" -> new Exit(args.isEmpty() ? 0 : Integer.parseInt(args.get(0)));
                case "true" -> new Exit(0);
                case "false" -> new Exit(1);
                default -> null;
            };
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
