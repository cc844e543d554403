package dev.vkubelet.provider.cloudkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * A container log fetched from a cloud API in chunks, served with the kubelet's {@code limitBytes}
 * and closable from another thread. Subclasses fetch; this class buffers, cuts and waits.
 */
public abstract class LogStream extends InputStream {

    private byte[] buffer = new byte[0];
    private int position;
    private long remaining;
    private volatile boolean closed;

    protected LogStream(OptionalLong limitBytes) {
        this.remaining = limitBytes.isPresent() ? limitBytes.getAsLong() : Long.MAX_VALUE;
    }

    /** The next bytes of the log, or null at its end. May block (following a log), checking {@link #closed()}. */
    protected abstract byte[] fetch() throws IOException;

    /** Whether the reader has closed the stream. */
    protected final boolean closed() {
        return closed;
    }

    /** Waits between two polls of a followed log. */
    protected static void pause(Duration interval) throws InterruptedIOException {
        try {
            Thread.sleep(interval.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("log follow interrupted");
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (position >= buffer.length) {
            if (remaining <= 0 || closed) {
                return -1;
            }
            byte[] next = fetch();
            if (next == null) {
                return -1;
            }
            buffer = next;
            position = 0;
        }
        if (remaining <= 0 || closed) {
            return -1;
        }
        int n = (int) Math.min(Math.min(len, buffer.length - position), remaining);
        System.arraycopy(buffer, position, b, off, n);
        position += n;
        remaining -= n;
        return n;
    }

    @Override
    public void close() {
        closed = true;
    }
}
