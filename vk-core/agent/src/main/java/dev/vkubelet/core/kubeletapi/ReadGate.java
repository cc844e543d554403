package dev.vkubelet.core.kubeletapi;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stops reading from a connection while any of its streams holds more input than its reader has
 * taken (stdin, forwarded ports), and reads again once none does: the client's bytes then wait in
 * TCP and in its own SPDY or WebSocket send window, not in the agent's memory.
 */
final class ReadGate {

    private static final AttributeKey<Set<Object>> PAUSED_BY = AttributeKey.valueOf("kubelet-api-paused-by");

    private ReadGate() {}

    private static Set<Object> pausers(Channel channel) {
        Set<Object> set = channel.attr(PAUSED_BY).get();
        if (set == null) {
            Set<Object> created = ConcurrentHashMap.newKeySet();
            set = channel.attr(PAUSED_BY).setIfAbsent(created);
            return set == null ? created : set;
        }
        return set;
    }

    /** {@code stream} is full: stop reading from {@code channel}. */
    static void pause(Channel channel, Object stream) {
        pausers(channel).add(stream);
        channel.config().setAutoRead(false);
    }

    /** {@code stream} has room again: read from {@code channel} unless another stream is still full. */
    static void resume(Channel channel, Object stream) {
        Set<Object> set = pausers(channel);
        if (set.remove(stream) && set.isEmpty()) {
            channel.config().setAutoRead(true);
            channel.read();
        }
    }
}
