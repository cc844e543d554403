package dev.vkubelet.tracing.exporters;

import io.jaegertracing.thrift.internal.senders.HttpSender;
import io.jaegertracing.thrift.internal.senders.ThriftSender;
import io.jaegertracing.thrift.internal.senders.UdpSender;
import io.opencensus.exporter.trace.jaeger.JaegerExporterConfiguration;
import io.opencensus.exporter.trace.jaeger.JaegerTraceExporter;
import io.opencensus.exporter.trace.zipkin.ZipkinExporterConfiguration;
import io.opencensus.exporter.trace.zipkin.ZipkinTraceExporter;
import io.opencensus.trace.Tracing;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Validates and starts trace exporters from their names and environment variables. */
public final class TraceExporters implements AutoCloseable {

    /** The exporter names {@code --trace-exporter} accepts. */
    public static final Set<String> NAMES = Set.of("jaeger", "zpages", "zipkin", "file");

    private static final Logger LOG = LoggerFactory.getLogger(TraceExporters.class);
    private static final String FILE_HANDLER = "vk-file";

    private final List<AutoCloseable> running;

    private TraceExporters(List<AutoCloseable> running) {
        this.running = running;
    }

    /** The settings one exporter reads from the environment, checked. */
    private record Jaeger(String collector, String agent, String user, String password) {}

    /**
     * Checks that every named exporter is known and has its settings; throws
     * {@link IllegalArgumentException} with one line naming what is missing.
     */
    public static void validate(List<String> names, Map<String, String> env) {
        for (String name : names) {
            switch (name) {
                case "jaeger" -> jaeger(env);
                case "zpages" -> zpagesAddress(env);
                case "zipkin" -> url("ZIPKIN_ENDPOINT", require(env, "ZIPKIN_ENDPOINT",
                        "the zipkin exporter needs ZIPKIN_ENDPOINT (e.g. http://localhost:9411/api/v2/spans)"));
                case "file" -> require(env, "VK_TRACE_FILE", "the file exporter needs VK_TRACE_FILE (a file path)");
                default -> throw new IllegalArgumentException("unknown trace exporter '" + name + "': use "
                        + String.join(", ", NAMES.stream().sorted().toList()));
            }
        }
    }

    /** Starts the named exporters (after {@link #validate}); {@link #close()} stops them. */
    public static TraceExporters start(List<String> names, Map<String, String> env, String serviceName)
            throws IOException {
        validate(names, env);
        List<AutoCloseable> running = new ArrayList<>();
        try {
            for (String name : names) {
                running.add(switch (name) {
                    case "jaeger" -> startJaeger(jaeger(env), serviceName);
                    case "zpages" -> startZPages(zpagesAddress(env));
                    case "zipkin" -> startZipkin(env.get("ZIPKIN_ENDPOINT"), serviceName);
                    case "file" -> startFile(Path.of(env.get("VK_TRACE_FILE")));
                    default -> throw new IllegalStateException(name);
                });
            }
        } catch (IOException | RuntimeException e) {
            new TraceExporters(running).close();
            throw e;
        }
        return new TraceExporters(running);
    }

    private static Jaeger jaeger(Map<String, String> env) {
        String collector = first(env, "JAEGER_ENDPOINT", "JAEGER_COLLECTOR_ENDPOINT");
        String agent = env.get("JAEGER_AGENT_ENDPOINT");
        if (agent == null && env.get("JAGER_AGENT_ENDPOINT") != null) {
            agent = env.get("JAGER_AGENT_ENDPOINT");
            LOG.warn("JAGER_AGENT_ENDPOINT is deprecated (a misspelling kept from upstream); use JAEGER_AGENT_ENDPOINT");
        }
        if (collector == null && agent == null) {
            throw new IllegalArgumentException("the jaeger exporter needs JAEGER_ENDPOINT (HTTP collector, e.g. "
                    + "http://localhost:14268/api/traces) or JAEGER_AGENT_ENDPOINT (UDP agent, e.g. localhost:6831)");
        }
        if (collector != null) {
            url("JAEGER_ENDPOINT", collector);
        } else {
            hostPort("JAEGER_AGENT_ENDPOINT", agent);
        }
        String user = env.get("JAEGER_USER");
        String password = env.get("JAEGER_PASSWORD");
        if ((user == null) != (password == null)) {
            throw new IllegalArgumentException("JAEGER_USER and JAEGER_PASSWORD must be set together");
        }
        return new Jaeger(collector, agent, user, password);
    }

    private static AutoCloseable startJaeger(Jaeger settings, String serviceName) {
        ThriftSender sender;
        if (settings.collector() != null) {
            String endpoint = settings.collector();
            if (URI.create(endpoint).getPath() == null || URI.create(endpoint).getPath().isEmpty()
                    || URI.create(endpoint).getPath().equals("/")) {
                endpoint = endpoint.replaceAll("/$", "") + "/api/traces";
            }
            HttpSender.Builder builder = new HttpSender.Builder(endpoint);
            if (settings.user() != null) {
                builder.withAuth(settings.user(), settings.password());
            }
            sender = builder.build();
            LOG.info("exporting traces to the Jaeger collector at {}", endpoint);
        } else {
            InetSocketAddress agent = hostPort("JAEGER_AGENT_ENDPOINT", settings.agent());
            sender = new UdpSender(agent.getHostString(), agent.getPort(), 0);
            LOG.info("exporting traces to the Jaeger agent at {}", settings.agent());
        }
        JaegerTraceExporter.createAndRegister(JaegerExporterConfiguration.builder()
                .setServiceName(serviceName).setThriftSender(sender).build());
        return JaegerTraceExporter::unregister;
    }

    /**
     * Where zPages listen: {@code ZPAGES_PORT} as {@code host:port}; {@code :port} means loopback,
     * not every interface, because the pages have no authentication and show span attributes (pod
     * names, namespaces, request paths): to expose them, name the address, e.g. {@code 0.0.0.0:8080}.
     */
    static InetSocketAddress zpagesAddress(Map<String, String> env) {
        InetSocketAddress address = hostPort("ZPAGES_PORT", require(env, "ZPAGES_PORT",
                "the zpages exporter needs ZPAGES_PORT (host:port to serve /debug/tracez on, e.g. localhost:8080)"));
        return env.get("ZPAGES_PORT").strip().startsWith(":")
                ? new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), address.getPort()) : address;
    }

    private static AutoCloseable startZPages(InetSocketAddress address) throws IOException {
        ZPagesServer server = new ZPagesServer(address);
        LOG.info("serving zPages at http://{}:{}/debug/tracez", address.getHostString(), server.address().getPort());
        return server;
    }

    private static AutoCloseable startZipkin(String endpoint, String serviceName) {
        ZipkinTraceExporter.createAndRegister(ZipkinExporterConfiguration.builder().setV2Url(endpoint)
                .setServiceName(serviceName).build());
        LOG.info("exporting traces to Zipkin at {}", endpoint);
        return ZipkinTraceExporter::unregister;
    }

    private static AutoCloseable startFile(Path file) throws IOException {
        FileSpanExporter exporter = new FileSpanExporter(file);
        Tracing.getExportComponent().getSpanExporter().registerHandler(FILE_HANDLER, exporter);
        LOG.info("writing traces to {}", file.toAbsolutePath());
        return () -> {
            if (!exporter.awaitFlush(java.time.Duration.ofSeconds(15))) {
                LOG.warn("the last spans did not reach {} within 15 s; they are lost", file);
            }
            Tracing.getExportComponent().getSpanExporter().unregisterHandler(FILE_HANDLER);
            exporter.close();
        };
    }

    private static String first(Map<String, String> env, String... names) {
        for (String name : names) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }

    private static String require(Map<String, String> env, String name, String message) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(message);
        }
        return value;
    }

    private static void url(String name, String value) {
        try {
            URI uri = URI.create(value);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " '" + value + "' is not an http(s) URL");
        }
    }

    /** Parses {@code host:port} or {@code :port} (all interfaces). */
    static InetSocketAddress hostPort(String name, String value) {
        int colon = value.lastIndexOf(':');
        try {
            int port = Integer.parseInt(value.substring(colon + 1));
            if (colon < 0 || port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            String host = value.substring(0, colon);
            return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            throw new IllegalArgumentException(name + " '" + value + "' is not host:port");
        }
    }

    /**
     * Stops every exporter; the file exporter first waits until the spans already ended are written
     * (OpenCensus hands spans to exporters about every 5 s). Idempotent.
     */
    @Override
    public synchronized void close() {
        for (AutoCloseable exporter : running) {
            try {
                exporter.close();
            } catch (Exception e) {
                LOG.warn("stopping a trace exporter failed: {}", e.toString());
            }
        }
        running.clear();
    }
}
