package dev.vkubelet.provider;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The streams of an exec or attach session. Absent streams were not requested by the client. The
 * host owns the streams and closes them after the provider's call returns.
 */
public interface AttachIO {

    /** What the client types. */
    Optional<InputStream> stdin();

    /** Where the container's standard output goes. */
    Optional<OutputStream> stdout();

    /** Where the container's standard error goes (absent with a TTY: output is merged). */
    Optional<OutputStream> stderr();

    /** Whether the client asked for a terminal. */
    boolean tty();

    /**
     * Registers a listener for terminal resizes; the listener is called from the host's thread. A
     * listener registered after the client sent a size is told the latest one at once (the size is
     * the terminal's state: kubectl sends it first, possibly before the provider listens).
     */
    void onResize(Consumer<TerminalSize> listener);
}
