package dev.vkubelet.tracing.exporters;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opencensus.contrib.zpages.ZPageHandler;
import io.opencensus.contrib.zpages.ZPageHandlers;
import io.opencensus.trace.Tracing;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Serves the OpenCensus zPages under {@code /debug/} ({@code /debug/tracez}, {@code /debug/traceconfigz}, ...),
 * without authentication: it listens on loopback unless told otherwise, and {@code traceconfigz} is
 * read-only (OpenCensus' page would change the process's sampling on a GET with parameters).
 */
final class ZPagesServer implements AutoCloseable {

    /** How many in-flight spans per name the running-span store keeps (so they show in tracez). */
    static final int RUNNING_SPANS = 1000;

    private final HttpServer server;

    ZPagesServer(InetSocketAddress address) throws IOException {
        Tracing.getExportComponent().getRunningSpanStore().setMaxNumberOfSpans(RUNNING_SPANS);
        server = HttpServer.create(address, 0);
        for (ZPageHandler page : List.of(ZPageHandlers.getTracezZPageHandler(),
                ZPageHandlers.getTraceConfigzZPageHandler(), ZPageHandlers.getRpczZpageHandler(),
                ZPageHandlers.getStatszZPageHandler())) {
            // traceconfigz changes the process's sampling from its query string: served read-only
            boolean readOnly = page.getUrlPath().equals("/traceconfigz");
            server.createContext("/debug" + page.getUrlPath(), exchange -> serve(page, exchange, readOnly));
        }
        server.start();
    }

    private static void serve(ZPageHandler page, HttpExchange exchange, boolean readOnly) throws IOException {
        try (exchange) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            page.emitHtml(readOnly ? Map.of() : query(exchange.getRequestURI().getRawQuery()), body);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, body.size());
            try (OutputStream out = exchange.getResponseBody()) {
                body.writeTo(out);
            }
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> map = new HashMap<>();
        if (raw == null) {
            return map;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            map.put(key, value);
        }
        return map;
    }

    /** The address actually bound (useful with port 0). */
    InetSocketAddress address() {
        return server.getAddress();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
