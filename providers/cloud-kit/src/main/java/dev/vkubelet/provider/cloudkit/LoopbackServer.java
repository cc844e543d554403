package dev.vkubelet.provider.cloudkit;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An emulator's HTTP server: the JDK's, on the loopback address, served by eight daemon threads
 * of the plugin. Started at once; {@link #close()} stops it.
 */
public final class LoopbackServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService workers;

    /** Listens on {@code port} (0 for any) and hands every request to {@code handler}. */
    public LoopbackServer(int port, String name, Class<?> owner, HttpHandler handler) throws IOException {
        this.workers = Executors.newFixedThreadPool(8, DaemonThreads.factory(name, owner));
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
        server.setExecutor(workers);
        server.createContext("/", handler);
        server.start();
    }

    /** {@code http://127.0.0.1:<port>}. */
    public URI endpoint() {
        InetSocketAddress address = server.getAddress();
        return URI.create("http://" + address.getAddress().getHostAddress() + ":" + address.getPort());
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
    }
}
