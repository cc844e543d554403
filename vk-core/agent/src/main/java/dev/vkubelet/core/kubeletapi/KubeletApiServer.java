package dev.vkubelet.core.kubeletapi;

import dev.vkubelet.core.metrics.Instrumentation;
import dev.vkubelet.core.plugin.ProviderDeadline;
import dev.vkubelet.core.plugin.ProviderHandle;
import dev.vkubelet.core.ports.PodIndex;
import dev.vkubelet.core.threads.DaemonThreads;
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
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.EventExecutorGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTPS server of the kubelet API for every node of the process: one set of event loops,
 * executors, connection limits and review budget, and one listening socket per node
 * ({@link Endpoint}), whose connections are authorised for that node and see only its pods.
 * {@link #start} binds; {@link #close} stops.
 */
public final class KubeletApiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KubeletApiServer.class);
    private static final int HANDLER_THREADS = 16;
    private static final String CONNECTION_IDLE = "connection-idle";
    private static final String FRONT_DOOR = "front-door";

    /**
     * What the server spends on any one client and on all of them: open connections in all and
     * from one client address; a request body's size (no kubelet endpoint takes more than a few
     * KiB); how long a new connection may take to send its first request head; streams open at once
     * (followed logs, exec, attach, port-forward sessions); forwarded-port streams of one session and
     * in all; token and access reviews in flight, a second and in a burst, and how many results are
     * cached; provider calls from the API in flight.
     */
    public record Limits(int maxConnections, int maxConnectionsPerAddress, int maxBodyBytes,
            java.time.Duration firstRequest, int maxStreams, int maxStreamsPerSession, int maxForwardedStreams,
            int reviewsInFlight, double reviewsPerSecond, int reviewBurst, int reviewCacheSize,
            int providerCallsInFlight) {

        /** The defaults, documented in dist/docs/kubelet-api.md. */
        public static final Limits DEFAULTS = new Limits(1024, 256, 8 * 1024, java.time.Duration.ofSeconds(10), 512,
                64, 1024, 8, 20, 40, 4096, 32);
    }

    /**
     * Time limits: a connection with no traffic either way for {@code idle} is closed (half-open and
     * idle keep-alive connections, silent exec, attach and port-forward sessions; a followed log
     * instead once its client has read nothing for that long); a port-forward session whose client
     * opens no stream within {@code creation} is closed; a provider call made for a request (running
     * pods, stats, metrics, opening a log) that takes longer than {@code providerCall} answers 504.
     */
    public record StreamTimeouts(java.time.Duration idle, java.time.Duration creation,
            java.time.Duration providerCall) {}

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final EventExecutorGroup handlers;
    private final ExecutorService streams;
    private final ExecutorService reviews;
    private final ProviderDeadline deadline;
    private final Map<String, Channel> channels;

    /**
     * One node the server serves: its name (requests are authorised against it), where its API
     * listens, its provider, and its pods as the pod watch has them.
     */
    public record Endpoint(String nodeName, InetSocketAddress address, ProviderHandle provider, PodIndex index) {}

    private KubeletApiServer(EventLoopGroup boss, EventLoopGroup workers, EventExecutorGroup handlers,
            ExecutorService streams, ExecutorService reviews, ProviderDeadline deadline, Map<String, Channel> channels) {
        this.boss = boss;
        this.workers = workers;
        this.handlers = handlers;
        this.streams = streams;
        this.reviews = reviews;
        this.deadline = deadline;
        this.channels = channels;
    }

    /**
     * Binds each endpoint's address and serves the kubelet API of its node from its provider, each
     * new connection with the serving certificate {@code certificates} holds then.
     *
     * @param reviewClient for TokenReviews and SubjectAccessReviews: a client of their own, so
     *     reviews never share a connection pool or rate limiter with the node's heartbeats and writes
     * @param anonymous whether unauthenticated callers are let through (as {@code system:anonymous},
     *     still authorised)
     */
    public static KubeletApiServer start(List<Endpoint> endpoints, ServingCertificates certificates,
            ApiClient reviewClient, boolean anonymous, Tracer tracer,
            Optional<PrometheusMeterRegistry> metrics, Instrumentation instrumentation, StreamTimeouts timeouts,
            Limits limits) throws IOException, InterruptedException {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("a kubelet API serves at least one node");
        }
        ReviewBudget budget = new ReviewBudget(limits.reviewsInFlight(), limits.reviewsPerSecond(),
                limits.reviewBurst(), System::nanoTime);
        Authenticator authenticator = new Authenticator(reviewClient, anonymous, budget, limits.reviewCacheSize());
        ConnectionGuard guard = new ConnectionGuard(limits.maxConnections(), limits.maxConnectionsPerAddress());
        AtomicInteger openStreams = new AtomicInteger();
        instrumentation.kubeletStreams(openStreams::get);
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        EventExecutorGroup handlers = new DefaultEventExecutorGroup(HANDLER_THREADS);
        ExecutorService streams = Executors.newCachedThreadPool(DaemonThreads.named("kubelet-api-stream"));
        ExecutorService reviews = new java.util.concurrent.ThreadPoolExecutor(0, limits.reviewsInFlight(), 30,
                TimeUnit.SECONDS, new java.util.concurrent.SynchronousQueue<>(), DaemonThreads.named("kubelet-api-review"));
        ProviderDeadline deadline = new ProviderDeadline(timeouts.providerCall(), limits.providerCallsInFlight(),
                "kubelet-api-provider-call", tracer);
        StreamPlaces places = new StreamPlaces(limits.maxStreamsPerSession(), limits.maxForwardedStreams());
        Map<String, Channel> bound = new LinkedHashMap<>();
        InetSocketAddress binding = null;
        try {
            for (Endpoint endpoint : endpoints) {
                binding = endpoint.address();
                Authorizer authorizer = new Authorizer(reviewClient, endpoint.nodeName(), budget,
                        limits.reviewCacheSize());
                RouteContext routes = new RouteContext(endpoint.provider(), endpoint.index(), deadline, streams,
                        openStreams, limits.maxStreams(), places, timeouts, metrics);
                Channel channel = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                        .childHandler(new ChannelInitializer<SocketChannel>() {
                            @Override
                            protected void initChannel(SocketChannel ch) {
                                ch.pipeline().addLast(CONNECTION_IDLE, new IdleStateHandler(0, 0,
                                        timeouts.idle().toMillis(), TimeUnit.MILLISECONDS));
                                ch.pipeline().addLast(guard);
                                ch.pipeline().addLast(certificates.current().newHandler(ch.alloc()));
                                ch.pipeline().addLast(new HttpServerCodec(4096, 16 * 1024, 8192));
                                ch.pipeline().addLast(FRONT_DOOR, new FrontDoor(authenticator, reviews,
                                        limits.maxBodyBytes(), limits.firstRequest(), instrumentation));
                                ch.pipeline().addLast(new HttpObjectAggregator(limits.maxBodyBytes()));
                                ch.pipeline().addLast(handlers,
                                        new KubeletHandler(authorizer, routes, tracer, instrumentation));
                            }
                        }).bind(endpoint.address()).sync().channel();
                bound.put(endpoint.nodeName(), channel);
            }
            LOG.info("kubelet API listening on https://{}{}", describe((InetSocketAddress) bound.values().iterator()
                    .next().localAddress()), bound.size() > 1 ? " and " + (bound.size() - 1) + " more ports (one per node)"
                            : "");
            return new KubeletApiServer(boss, workers, handlers, streams, reviews, deadline, bound);
        } catch (RuntimeException | InterruptedException e) {
            bound.values().forEach(c -> c.close().awaitUninterruptibly());
            boss.shutdownGracefully();
            workers.shutdownGracefully();
            handlers.shutdownGracefully();
            streams.shutdownNow();
            reviews.shutdownNow();
            deadline.close();
            throw new IOException("cannot listen on " + binding + ": " + e.getMessage(), e);
        }
    }

    /** {@code host:port} for a log line; the wildcard address as {@code *}. */
    private static String describe(InetSocketAddress address) {
        String host = address.getAddress() == null || address.getAddress().isAnyLocalAddress() ? "*"
                : address.getAddress() instanceof java.net.Inet6Address
                        ? "[" + address.getAddress().getHostAddress() + "]" : address.getAddress().getHostAddress();
        return host + ":" + address.getPort();
    }

    /** Takes the connection's idle limit away (a followed log may be quiet for as long as it likes). */
    static void removeConnectionIdle(io.netty.channel.ChannelPipeline pipeline) {
        if (pipeline.get(CONNECTION_IDLE) != null) {
            pipeline.remove(CONNECTION_IDLE);
        }
    }

    /** Takes the front door away once the connection is a stream session (no more HTTP requests). */
    static void removeFrontDoor(io.netty.channel.ChannelPipeline pipeline) {
        if (pipeline.get(FRONT_DOOR) != null) {
            pipeline.remove(FRONT_DOOR);
        }
    }

    /** The first node's bound address. */
    public InetSocketAddress address() {
        return (InetSocketAddress) channels.values().iterator().next().localAddress();
    }

    /** Each node's bound address, by node name. */
    public Map<String, InetSocketAddress> addresses() {
        Map<String, InetSocketAddress> addresses = new LinkedHashMap<>();
        channels.forEach((node, channel) -> addresses.put(node, (InetSocketAddress) channel.localAddress()));
        return addresses;
    }

    /**
     * Stops accepting, closes the open connections, then stops the handler executor: in that order
     * a connection's last events (an exception, its closing) still find their handlers running.
     */
    @Override
    public void close() {
        channels.values().forEach(c -> c.close().awaitUninterruptibly());
        boss.shutdownGracefully(0, 5, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        handlers.shutdownGracefully(0, 5, TimeUnit.SECONDS);
        streams.shutdownNow();
        reviews.shutdownNow();
        deadline.close();
    }
}
