package dev.vkubelet.provider.cloudkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Utf8ChunksTest {

    private static final String TEXT = "a é € 😀 z";

    @Test
    void everyCutOfTheBytesGivesWholeCharactersAndTheSameTextInTheEnd() {
        byte[] bytes = TEXT.getBytes(StandardCharsets.UTF_8);
        for (int size = 1; size <= bytes.length; size++) {
            Utf8Chunks chunks = new Utf8Chunks();
            StringBuilder text = new StringBuilder();
            for (int off = 0; off < bytes.length; off += size) {
                byte[] piece = chunks.next(bytes, off, Math.min(size, bytes.length - off));
                String decoded = new String(piece, StandardCharsets.UTF_8);
                assertFalse(decoded.contains("\uFFFD"), "a piece ended inside a character at size " + size);
                text.append(decoded);
            }
            assertEquals(0, chunks.rest().length);
            assertEquals(TEXT, text.toString(), "chunks of " + size + " bytes");
        }
    }

    @Test
    void anIncompleteCharacterAtTheEndIsHeldAndGivenAsTheRest() {
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
        Utf8Chunks chunks = new Utf8Chunks();
        assertEquals("x", chunks.nextText(new byte[] {'x', euro[0], euro[1]}, 0, 3));
        assertArrayEquals(new byte[] {euro[0], euro[1]}, chunks.rest());
        assertArrayEquals(new byte[0], chunks.rest(), "nothing held after the rest");
    }

    @Test
    void malformedBytesAreNotHeldForever() {
        Utf8Chunks chunks = new Utf8Chunks();
        byte[] stray = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 'k'};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(chunks.next(stray, 0, stray.length));
        assertEquals(5, out.size(), "continuation bytes without a lead pass through");
        assertArrayEquals(new byte[0], chunks.rest(), "stray bytes held back");
    }
}
