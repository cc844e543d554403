package dev.vkubelet.core.kubeletapi;

import io.netty.channel.Channel;
import java.io.IOException;
import java.io.OutputStream;
import java.util.function.Function;

/**
 * Bytes a provider writes to a stream session (stdout, stderr, a forwarded port) become frames on
 * the channel: {@code frames} turns a chunk into the protocol's frame (a WebSocket frame with a
 * channel prefix, a SPDY data frame). Each write waits until the frame is written, so a slow client
 * slows the provider down instead of filling memory.
 */
final class FrameOutputStream extends OutputStream {

    private final Channel channel;
    private final Function<byte[], Object> frames;

    FrameOutputStream(Channel channel, Function<byte[], Object> frames) {
        this.channel = channel;
        this.frames = frames;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        if (!channel.isActive()) {
            throw new IOException("the client went away");
        }
        byte[] chunk = new byte[length];
        System.arraycopy(bytes, offset, chunk, 0, length);
        try {
            channel.writeAndFlush(frames.apply(chunk)).sync();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted writing to the client", e);
        }
    }
}
