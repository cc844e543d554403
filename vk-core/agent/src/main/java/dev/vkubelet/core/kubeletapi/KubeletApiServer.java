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
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
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
import io.netty.util.concurrent.GlobalEventExecutor;
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
 * {@link #start} binds; {@link #serve} and {@link #stopServing} add and remove nodes (a replica
 * gaining and handing over nodes); {@link #close} stops.
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
    private final ServingCertificates certificates;
    private final ApiClient reviewClient;
    private final Tracer tracer;
    private final Optional<PrometheusMeterRegistry> metrics;
    private final Instrumentation instrumentation;
    private final StreamTimeouts timeouts;
    private final Limits limits;
    private final ReviewBudget budget;
    private final Authenticator authenticator;
    private final ConnectionGuard guard;
    private final AtomicInteger openStreams = new AtomicInteger();
    private final StreamPlaces places;
    /** Each served node's listening socket and open connections, by node name. */
    private final Map<String, Bound> bound = new LinkedHashMap<>();
    private boolean closed;

    /**
     * One node the server serves: its name (requests are authorised against it), where its API
     * listens, its provider, and its pods as the pod watch has them.
     */
    public record Endpoint(String nodeName, InetSocketAddress address, ProviderHandle provider, PodIndex index) {}

    /** A node's listening socket and the connections it accepted. */
    private record Bound(Channel listening, ChannelGroup connections) {}

    private KubeletApiServer(ServingCertificates certificates, ApiClient reviewClient, boolean anonymous, Tracer tracer,
            Optional<PrometheusMeterRegistry> metrics, Instrumentation instrumentation, StreamTimeouts timeouts,
            Limits limits) {
        this.certificates = java.util.Objects.requireNonNull(certificates, "certificates");
        this.reviewClient = java.util.Objects.requireNonNull(reviewClient, "reviewClient");
        this.tracer = java.util.Objects.requireNonNull(tracer, "tracer");
        this.metrics = java.util.Objects.requireNonNull(metrics, "metrics");
        this.instrumentation = java.util.Objects.requireNonNull(instrumentation, "instrumentation");
        this.timeouts = java.util.Objects.requireNonNull(timeouts, "timeouts");
        this.limits = java.util.Objects.requireNonNull(limits, "limits");
        this.budget = new ReviewBudget(limits.reviewsInFlight(), limits.reviewsPerSecond(), limits.reviewBurst(),
                System::nanoTime);
        this.authenticator = new Authenticator(reviewClient, anonymous, budget, limits.reviewCacheSize());
        this.guard = new ConnectionGuard(limits.maxConnections(), limits.maxConnectionsPerAddress());
        instrumentation.kubeletStreams(openStreams::get);
        this.boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        this.workers = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        this.handlers = new DefaultEventExecutorGroup(HANDLER_THREADS);
        this.streams = Executors.newCachedThreadPool(DaemonThreads.named("kubelet-api-stream"));
        this.reviews = new java.util.concurrent.ThreadPoolExecutor(0, limits.reviewsInFlight(), 30,
                TimeUnit.SECONDS, new java.util.concurrent.SynchronousQueue<>(), DaemonThreads.named("kubelet-api-review"));
        this.deadline = new ProviderDeadline(timeouts.providerCall(), limits.providerCallsInFlight(),
                "kubelet-api-provider-call", tracer);
        this.places = new StreamPlaces(limits.maxStreamsPerSession(), limits.maxForwardedStreams());
    }

    /**
     * Binds each endpoint's address and serves the kubelet API of its node from its provider, each
     * new connection with the serving certificate {@code certificates} holds then. More nodes may be
     * served later ({@link #serve}) and any may stop ({@link #stopServing}).
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
        KubeletApiServer server = new KubeletApiServer(certificates, reviewClient, anonymous, tracer, metrics,
                instrumentation, timeouts, limits);
        try {
            for (Endpoint endpoint : endpoints) {
                server.serve(endpoint);
            }
        } catch (IOException | RuntimeException | InterruptedException e) {
            server.close();
            throw e;
        }
        if (!endpoints.isEmpty()) {
            LOG.info("kubelet API listening on https://{}{}",
                    dev.vkubelet.core.metrics.MetricsServer.hostPort(server.address()), endpoints.size() > 1
                            ? " and " + (endpoints.size() - 1) + " more ports (one per node)" : "");
        }
        return server;
    }

    /** Starts serving one more node on its own address. */
    public void serve(Endpoint endpoint) throws IOException, InterruptedException {
        Authorizer authorizer = new Authorizer(reviewClient, endpoint.nodeName(), budget, limits.reviewCacheSize());
        RouteContext routes = new RouteContext(endpoint.nodeName(), endpoint.provider(), endpoint.index(), deadline,
                streams,
                openStreams, limits.maxStreams(), places, timeouts, metrics, tracer);
        ChannelGroup connections = new DefaultChannelGroup(endpoint.nodeName(), GlobalEventExecutor.INSTANCE);
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the kubelet API server is closed");
            }
            if (bound.containsKey(endpoint.nodeName())) {
                throw new IllegalStateException("node " + endpoint.nodeName() + " is served already");
            }
            Channel channel;
            try {
                channel = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                        .childHandler(new ChannelInitializer<SocketChannel>() {
                            @Override
                            protected void initChannel(SocketChannel ch) {
                                connections.add(ch);
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
            } catch (RuntimeException e) {
                throw new IOException("cannot listen on " + endpoint.address() + ": " + e.getMessage(), e);
            }
            bound.put(endpoint.nodeName(), new Bound(channel, connections));
        }
    }

    /**
     * Stops serving {@code node}: its socket no longer accepts and its open connections (streams
     * included) are closed. Nothing happens for a node not served.
     */
    public void stopServing(String node) {
        Bound gone;
        synchronized (this) {
            gone = bound.remove(node);
        }
        if (gone != null) {
            gone.listening().close().awaitUninterruptibly();
            gone.connections().close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
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

    /** The first served node's bound address. */
    public synchronized InetSocketAddress address() {
        if (bound.isEmpty()) {
            throw new IllegalStateException("no node is served");
        }
        return (InetSocketAddress) bound.values().iterator().next().listening().localAddress();
    }

    /** Each served node's bound address, by node name. */
    public synchronized Map<String, InetSocketAddress> addresses() {
        Map<String, InetSocketAddress> addresses = new LinkedHashMap<>();
        bound.forEach((node, b) -> addresses.put(node, (InetSocketAddress) b.listening().localAddress()));
        return addresses;
    }

    /**
     * Stops accepting, closes the open connections, then stops the handler executor: in that order
     * a connection's last events (an exception, its closing) still find their handlers running.
     */
    @Override
    public void close() {
        List<Bound> all;
        synchronized (this) {
            closed = true;
            all = List.copyOf(bound.values());
            bound.clear();
        }
        all.forEach(b -> b.listening().close().awaitUninterruptibly());
        all.forEach(b -> b.connections().close().awaitUninterruptibly(5, TimeUnit.SECONDS));
        // a short quiet period each: a closed connection's pipeline is taken apart on the handler
        // executor and then on its event loop, so both must still take tasks for a moment
        boss.shutdownGracefully(0, 5, TimeUnit.SECONDS);
        handlers.shutdownGracefully(100, 5_000, TimeUnit.MILLISECONDS);
        workers.shutdownGracefully(100, 5_000, TimeUnit.MILLISECONDS);
        handlers.terminationFuture().awaitUninterruptibly(10, TimeUnit.SECONDS);
        workers.terminationFuture().awaitUninterruptibly(10, TimeUnit.SECONDS);
        streams.shutdownNow();
        reviews.shutdownNow();
        deadline.close();
    }
}
