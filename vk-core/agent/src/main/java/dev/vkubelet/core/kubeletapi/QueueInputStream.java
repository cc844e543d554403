package dev.vkubelet.core.kubeletapi;

import io.netty.channel.Channel;
import java.util.concurrent.atomic.AtomicLong;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * An input stream fed chunk by chunk from another thread (a stream's stdin frames, a forwarded
 * port's bytes); {@link #finish} ends it. At most about {@value #HIGH_WATER} bytes wait for the
 * reader: beyond that the connection they come from stops being read ({@link ReadGate}) until the
 * reader has taken all but {@value #LOW_WATER}.
 */
final class QueueInputStream extends InputStream {

    static final int HIGH_WATER = 256 * 1024;
    static final int LOW_WATER = 64 * 1024;
    private static final byte[] END = new byte[0];

    private final BlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
    private final AtomicLong queued = new AtomicLong();
    private volatile Channel pausedChannel;
    private byte[] current = new byte[0];
    private int position;
    private boolean ended;

    /**
     * Adds bytes for the reader (the array is not copied: do not reuse it), read from
     * {@code from}, which stops being read while too much waits.
     */
    void feed(byte[] bytes, Channel from) {
        if (bytes.length > 0) {
            chunks.add(bytes);
            if (queued.addAndGet(bytes.length) > HIGH_WATER && from != null) {
                pausedChannel = from;
                ReadGate.pause(from, this);
            }
        }
    }

    /** No more bytes: the reader sees end of stream after what was fed. Idempotent. */
    void finish() {
        chunks.add(END);
        resume();
    }

    private void resume() {
        Channel paused = pausedChannel;
        if (paused != null) {
            pausedChannel = null;
            ReadGate.resume(paused, this);
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public synchronized int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (position >= current.length) {
            if (ended) {
                return -1;
            }
            try {
                current = chunks.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("stdin interrupted");
            }
            position = 0;
            if (current == END) {
                ended = true;
                return -1;
            }
            if (queued.addAndGet(-current.length) < LOW_WATER) {
                resume();
            }
        }
        int n = Math.min(length, current.length - position);
        System.arraycopy(current, position, buffer, offset, n);
        position += n;
        return n;
    }

    @Override
    public void close() {
        finish();
    }
}
