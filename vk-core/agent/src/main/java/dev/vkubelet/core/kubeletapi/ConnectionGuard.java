package dev.vkubelet.core.kubeletapi;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of every connection: closes it at once when the server already holds
 * {@code maxConnections} connections, or {@code maxPerAddress} from the same client address, and
 * closes it when the idle handler before it reports no traffic either way (a half-open connection,
 * an idle keep-alive connection, a silent stream session). Shared by all connections.
 */
@ChannelHandler.Sharable
final class ConnectionGuard extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);

    private final int maxConnections;
    private final int maxPerAddress;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();
    private final AtomicInteger refused = new AtomicInteger();

    ConnectionGuard(int maxConnections, int maxPerAddress) {
        if (maxConnections < 1 || maxPerAddress < 1) {
            throw new IllegalArgumentException("connection limits must be at least 1");
        }
        this.maxConnections = maxConnections;
        this.maxPerAddress = maxPerAddress;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        InetAddress address = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
        int total = open.incrementAndGet();
        int fromAddress = perAddress.computeIfAbsent(address, a -> new AtomicInteger()).incrementAndGet();
        ctx.channel().closeFuture().addListener(closed -> release(address));
        if (total > maxConnections || fromAddress > maxPerAddress) {
            if (refused.incrementAndGet() % 1000 == 1) {
                LOG.warn("kubelet API: refusing connections beyond {} in all or {} from {} (open: {}, from it: {})",
                        maxConnections, maxPerAddress, address.getHostAddress(), total, fromAddress);
            }
            ctx.close();
            return;
        }
        super.channelActive(ctx);
    }

    private void release(InetAddress address) {
        open.decrementAndGet();
        perAddress.computeIfPresent(address, (a, count) -> count.decrementAndGet() == 0 ? null : count);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent) {
            LOG.debug("kubelet API: closing a connection from {} with no traffic", ctx.channel().remoteAddress());
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    /** Connections open now. */
    int open() {
        return open.get();
    }
}
