package dev.vkubelet.core.kubeletapi;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/** An input stream fed chunk by chunk from another thread (a stream's stdin frames); {@link #finish} ends it. */
final class QueueInputStream extends InputStream {

    private static final byte[] END = new byte[0];

    private final BlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
    private byte[] current = new byte[0];
    private int position;
    private boolean ended;

    /** Adds bytes for the reader (the array is not copied: do not reuse it). */
    void feed(byte[] bytes) {
        if (bytes.length > 0) {
            chunks.add(bytes);
        }
    }

    /** No more bytes: the reader sees end of stream after what was fed. Idempotent. */
    void finish() {
        chunks.add(END);
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
