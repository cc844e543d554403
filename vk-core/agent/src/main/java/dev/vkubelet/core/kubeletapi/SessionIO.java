package dev.vkubelet.core.kubeletapi;

import com.google.gson.Gson;
import dev.vkubelet.provider.AttachIO;
import dev.vkubelet.provider.TerminalSize;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** The {@link AttachIO} a stream session hands to the provider; resizes reach every listener. */
final class SessionIO implements AttachIO {

    private static final Gson GSON = new Gson();

    private final Optional<InputStream> stdin;
    private final Optional<OutputStream> stdout;
    private final Optional<OutputStream> stderr;
    private final boolean tty;
    private final List<Consumer<TerminalSize>> listeners = new CopyOnWriteArrayList<>();
    /** The size the client last sent; guarded by {@code this} with the listeners' calls. */
    private TerminalSize last;

    SessionIO(Optional<InputStream> stdin, Optional<OutputStream> stdout, Optional<OutputStream> stderr, boolean tty) {
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = tty ? Optional.empty() : stderr;
        this.tty = tty;
    }

    /**
     * Tells the listeners the client's terminal has a new size: {@code message} holds one or more
     * {@code {"Width":w,"Height":h}} objects, one per line. Malformed ones are ignored, as the kubelet does.
     */
    @SuppressWarnings("unchecked")
    void resized(byte[] message) {
        for (String line : new String(message, StandardCharsets.UTF_8).split("\n")) {
            try {
                Map<String, Object> size = GSON.fromJson(line, Map.class);
                if (size != null) {
                    TerminalSize terminal = new TerminalSize(((Number) size.get("Width")).intValue(),
                            ((Number) size.get("Height")).intValue());
                    synchronized (this) {
                        last = terminal;
                        listeners.forEach(l -> l.accept(terminal));
                    }
                }
            } catch (RuntimeException e) {
                // not a size: skipped
            }
        }
    }

    @Override
    public Optional<InputStream> stdin() {
        return stdin;
    }

    @Override
    public Optional<OutputStream> stdout() {
        return stdout;
    }

    @Override
    public Optional<OutputStream> stderr() {
        return stderr;
    }

    @Override
    public boolean tty() {
        return tty;
    }

    /** Adds a listener, and tells it at once the size the client sent before it came (kubectl sends one first). */
    @Override
    public synchronized void onResize(Consumer<TerminalSize> listener) {
        listeners.add(listener);
        if (last != null) {
            listener.accept(last);
        }
    }
}
