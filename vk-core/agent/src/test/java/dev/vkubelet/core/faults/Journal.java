package dev.vkubelet.core.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The mock provider's journal ({@code <stateFile>.journal}): what it created and deleted. */
record Journal(List<String[]> entries) {

    static Journal read(Path stateFile) throws IOException {
        Path file = Path.of(stateFile + ".journal");
        if (!Files.exists(file)) {
            return new Journal(List.of());
        }
        return new Journal(Files.readAllLines(file).stream().map(line -> line.split(" ")).toList());
    }

    /** How often each pod uid was created (or deleted) in the provider. */
    Map<String, Long> count(String operation) {
        return entries.stream().filter(e -> e[0].equals(operation))
                .collect(Collectors.groupingBy(e -> e[2], Collectors.counting()));
    }
}
