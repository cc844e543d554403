package dev.vkubelet.core.kubeletapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/** Input waiting for a slow reader stops the connection being read, and reading resumes it. */
class QueueInputStreamTest {

    @Test
    void aFullStreamStopsReadingTheConnectionUntilItsReaderCatchesUp() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel();
        QueueInputStream first = new QueueInputStream();
        QueueInputStream second = new QueueInputStream();
        byte[] chunk = new byte[64 * 1024];
        for (int i = 0; i < 4; i++) {
            first.feed(chunk.clone(), channel);
        }
        assertTrue(channel.config().isAutoRead(), "paused at the high-water mark, not below it");
        first.feed(chunk.clone(), channel);
        assertFalse(channel.config().isAutoRead(), "more than 256 KiB waited and the connection was still read");
        second.feed(new byte[QueueInputStream.HIGH_WATER + 1], channel);

        byte[] buffer = new byte[chunk.length];
        long taken = 0;
        while (channel.config().isAutoRead() == false && taken < 5L * chunk.length) {
            int n = first.read(buffer, 0, buffer.length);
            taken += n;
        }
        assertFalse(channel.config().isAutoRead(), "resumed while another stream is still full");
        assertTrue(taken >= 5L * chunk.length - QueueInputStream.LOW_WATER);
        assertEquals(QueueInputStream.HIGH_WATER + 1, second.readNBytes(QueueInputStream.HIGH_WATER + 1).length);
        assertTrue(channel.config().isAutoRead(), "reading did not resume once every stream had room");
        second.finish();
        assertEquals(-1, second.read());
    }
}
