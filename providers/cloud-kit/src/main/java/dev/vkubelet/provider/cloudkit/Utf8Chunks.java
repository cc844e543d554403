package dev.vkubelet.provider.cloudkit;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Cuts a stream of UTF-8 bytes, read in chunks of any size, into pieces that end on character
 * boundaries: a character whose bytes are split between two reads is held back until its last byte
 * arrives. For WebSocket text messages, each of which must be whole UTF-8. Not thread-safe.
 */
public final class Utf8Chunks {

    private byte[] held = new byte[0];

    /** The bytes held back plus {@code len} bytes of {@code chunk}, up to the last whole character. */
    public byte[] next(byte[] chunk, int off, int len) {
        byte[] all = Arrays.copyOf(held, held.length + len);
        System.arraycopy(chunk, off, all, held.length, len);
        int whole = wholeUpTo(all, all.length);
        held = Arrays.copyOfRange(all, whole, all.length);
        return whole == all.length ? all : Arrays.copyOf(all, whole);
    }

    /** {@link #next} as text. */
    public String nextText(byte[] chunk, int off, int len) {
        return new String(next(chunk, off, len), StandardCharsets.UTF_8);
    }

    /** What is held back at the end of the stream (an incomplete character: malformed), then nothing. */
    public byte[] rest() {
        byte[] rest = held;
        held = new byte[0];
        return rest;
    }

    /**
     * The length of the longest prefix of {@code bytes[0..len)} that does not end inside a
     * character: {@code len}, or the start of a last character whose bytes are not all there.
     */
    static int wholeUpTo(byte[] bytes, int len) {
        int lead = len - 1;
        while (lead >= 0 && lead > len - 4 && (bytes[lead] & 0xC0) == 0x80) {
            lead--; // continuation bytes: the character starts further back
        }
        if (lead < 0) {
            return len;
        }
        int b = bytes[lead] & 0xff;
        int size = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 1;
        return len - lead < size ? lead : len;
    }
}
