package dev.vkubelet.provider.mock;

import dev.vkubelet.provider.InvalidInputException;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1Pod;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.List;

/**
 * The mock's pods kept in a file, so a node agent killed and started again finds its pods where it
 * left them (as a real backend would). Beside the file, {@code <file>.journal} gets a line per pod
 * created or deleted ({@code create <namespace>/<name> <uid>}), for tests to count what happened.
 * Secret-derived environment values are never written: the file keeps their references
 * ({@code valueFrom.secretKeyRef}), so a pod loaded from it has the references without the values.
 */
final class MockState {

    private final Path file;
    private final Path journal;

    MockState(Path file) {
        this.file = file.toAbsolutePath();
        this.journal = Path.of(this.file + ".journal");
    }

    /** The pods in the file; none when it does not exist yet. */
    List<V1Pod> load() {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            V1Pod[] pods = JSON.getGson().fromJson(Files.readString(file), V1Pod[].class);
            return pods == null ? List.of() : List.of(pods);
        } catch (IOException | RuntimeException e) {
            throw new InvalidInputException("mock provider state file " + file + " is not readable: " + e.getMessage(),
                    e);
        }
    }

    /** Replaces the file's content with {@code pods} (written to a temporary file, then moved). */
    void save(Collection<V1Pod> pods) {
        try {
            Path temporary = Path.of(file + ".tmp");
            Files.writeString(temporary, JSON.serialize(List.copyOf(pods)));
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the mock provider state file " + file, e);
        }
    }

    /** Appends {@code operation} on {@code pod} to the journal. */
    void record(String operation, V1Pod pod) {
        String line = operation + " " + pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName() + " "
                + pod.getMetadata().getUid() + "\n";
        try {
            Files.writeString(journal, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + journal, e);
        }
    }
}
