package dev.vkubelet.core.kubeletapi;

import dev.vkubelet.core.controlplane.Pki;
import dev.vkubelet.core.metrics.Instrumentation;
import dev.vkubelet.core.plugin.ProviderHandle;
import dev.vkubelet.tracing.Tracer;
import io.kubernetes.client.openapi.ApiClient;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.EventExecutorGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTPS server of the kubelet API. {@link #start} binds; {@link #close} stops. */
public final class KubeletApiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KubeletApiServer.class);
    private static final int MAX_REQUEST_BYTES = 1 << 20;
    private static final int HANDLER_THREADS = 16;

    /**
     * TLS material: the serving certificate and key (both or neither; neither means a self-signed
     * certificate for the node's name and address), and the CA that client certificates must chain
     * to (none: client certificates are not accepted, bearer tokens still are).
     */
    public record Tls(Optional<Path> certificate, Optional<Path> key, Optional<Path> clientCa) {}

    /**
     * Limits of streaming sessions (exec, attach, port-forward): a session with no traffic either way for
     * {@code idle} is closed; a port-forward session whose client opens no stream within
     * {@code creation} is closed.
     */
    public record StreamTimeouts(java.time.Duration idle, java.time.Duration creation) {}

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final EventExecutorGroup handlers;
    private final ExecutorService streams;
    private final Channel channel;

    private KubeletApiServer(EventLoopGroup boss, EventLoopGroup workers, EventExecutorGroup handlers,
            ExecutorService streams, Channel channel) {
        this.boss = boss;
        this.workers = workers;
        this.handlers = handlers;
        this.streams = streams;
        this.channel = channel;
    }

    /**
     * Binds {@code address} and serves the kubelet API for {@code nodeName} from {@code provider}.
     *
     * @param client for TokenReviews and SubjectAccessReviews
     * @param anonymous whether unauthenticated callers are let through (as {@code system:anonymous},
     *     still authorised)
     */
    public static KubeletApiServer start(InetSocketAddress address, SslContext ssl, String nodeName,
            ApiClient client, boolean anonymous, ProviderHandle provider, Tracer tracer,
            Optional<PrometheusMeterRegistry> metrics, Instrumentation instrumentation, StreamTimeouts timeouts)
            throws IOException, InterruptedException {
        KubeletAuth auth = new KubeletAuth(client, nodeName, anonymous);
        AtomicInteger openStreams = new AtomicInteger();
        instrumentation.kubeletStreams(openStreams::get);
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        EventExecutorGroup handlers = new DefaultEventExecutorGroup(HANDLER_THREADS);
        ExecutorService streams = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "kubelet-api-stream");
            t.setDaemon(true);
            return t;
        });
        try {
            Channel channel = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
                            ch.pipeline().addLast(new HttpServerCodec());
                            ch.pipeline().addLast(new HttpObjectAggregator(MAX_REQUEST_BYTES));
                            ch.pipeline().addLast(handlers,
                                    new KubeletHandler(auth, provider, tracer, metrics, streams, instrumentation,
                                            openStreams, timeouts));
                        }
                    }).bind(address).sync().channel();
            LOG.info("kubelet API listening on https://{}", channel.localAddress());
            return new KubeletApiServer(boss, workers, handlers, streams, channel);
        } catch (RuntimeException | InterruptedException e) {
            boss.shutdownGracefully();
            workers.shutdownGracefully();
            handlers.shutdownGracefully();
            streams.shutdownNow();
            throw new IOException("cannot listen on " + address + ": " + e.getMessage(), e);
        }
    }

    /**
     * The server's TLS context from {@code tls}, or with a self-signed certificate for the node's name
     * and address (P-256 keys, made in milliseconds; RSA keys took a random 0.1 to 1 s of start-up).
     */
    public static SslContext sslContext(Tls tls, String nodeName, String nodeIp) throws IOException {
        SslContextBuilder builder;
        if (tls.certificate().isPresent() && tls.key().isPresent()) {
            builder = SslContextBuilder.forServer(tls.certificate().get().toFile(), tls.key().get().toFile());
        } else {
            LOG.warn("no serving certificate given (APISERVER_CERT_LOCATION/APISERVER_KEY_LOCATION or "
                    + "--tls-cert-file/--tls-private-key-file): using a self-signed certificate for {} {}",
                    nodeName, nodeIp);
            Pki pki = Pki.newCa("virtual-kubelet-" + nodeName + "-ca", Pki.KeyType.EC);
            Pki.Issued serving = pki.server(nodeName, List.of(nodeName, "localhost"),
                    nodeIp.equals("127.0.0.1") ? List.of(nodeIp) : List.of(nodeIp, "127.0.0.1"));
            builder = SslContextBuilder.forServer(serving.keys().getPrivate(), serving.certificate(),
                    pki.ca().certificate());
        }
        if (tls.clientCa().isPresent()) {
            builder.trustManager(tls.clientCa().get().toFile()).clientAuth(ClientAuth.OPTIONAL);
        } else {
            builder.clientAuth(ClientAuth.NONE);
        }
        return builder.protocols("TLSv1.3", "TLSv1.2").build();
    }

    /** The bound address. */
    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    /**
     * Stops accepting, closes the open connections, then stops the handler executor: in that order
     * a connection's last events (an exception, its closing) still find their handlers running.
     */
    @Override
    public void close() {
        channel.close().awaitUninterruptibly();
        boss.shutdownGracefully(0, 5, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        handlers.shutdownGracefully(0, 5, TimeUnit.SECONDS);
        streams.shutdownNow();
    }
}
