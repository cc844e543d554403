package dev.vkubelet.core.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Plain HTTP {@code /metrics} on {@code --metrics-addr}: the Prometheus text format, or OpenMetrics
 * when the {@code Accept} header asks for {@code application/openmetrics-text}; and {@code /healthz},
 * {@code ok} while the process runs (the probes of a replica that may serve no node).
 */
public final class MetricsServer implements AutoCloseable {

    static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";
    static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private final HttpServer server;
    private final PrometheusMeterRegistry registry;

    public MetricsServer(InetSocketAddress address, PrometheusMeterRegistry registry) throws IOException {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.server = HttpServer.create(address, 0);
        server.createContext("/metrics", this::serve);
        server.createContext("/healthz", MetricsServer::healthz);
        server.start();
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            String accept = exchange.getRequestHeaders().getFirst("Accept");
            String type = accept != null && accept.contains("application/openmetrics-text") ? OPENMETRICS : TEXT;
            byte[] body = registry.scrape(type).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static void healthz(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"/healthz".equals(exchange.getRequestURI().getPath())) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** The bound address (useful with port 0). */
    /**
     * How a listening address reads in a log or a URL: {@code *:PORT} for every interface,
     * {@code [ADDR]:PORT} for IPv6, {@code ADDR:PORT} otherwise (never {@code /0:0:0:0:...}).
     */
    public static String hostPort(InetSocketAddress address) {
        String host = address.getAddress() == null || address.getAddress().isAnyLocalAddress() ? "*"
                : address.getAddress() instanceof java.net.Inet6Address
                        ? "[" + address.getAddress().getHostAddress() + "]" : address.getAddress().getHostAddress();
        return host + ":" + address.getPort();
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** Parses {@code --metrics-addr}: {@code host:port} or {@code :port}. */
    public static InetSocketAddress parseAddress(String text) {
        int colon = text.lastIndexOf(':');
        int port = Integer.parseInt(text.substring(colon + 1));
        String host = text.substring(0, colon);
        return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
