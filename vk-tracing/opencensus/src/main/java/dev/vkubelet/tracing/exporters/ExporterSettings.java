package dev.vkubelet.tracing.exporters;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One exporter's settings, checked: {@link #parse} reads {@code --trace-exporter} values and the
 * exporters' environment variables once, and {@link TraceExporters#start} starts from the result.
 */
public sealed interface ExporterSettings {

    /** The exporter names {@code --trace-exporter} accepts. */
    Set<String> NAMES = Set.of("jaeger", "zpages", "zipkin", "file", "otlp");

    /** The environment variables the exporters read. */
    Set<String> VARIABLES = Set.of("JAEGER_ENDPOINT", "JAEGER_COLLECTOR_ENDPOINT", "JAEGER_AGENT_ENDPOINT",
            "JAGER_AGENT_ENDPOINT", "JAEGER_USER", "JAEGER_PASSWORD", "ZPAGES_PORT", "ZIPKIN_ENDPOINT", "VK_TRACE_FILE",
            "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_HEADERS",
            "OTEL_EXPORTER_OTLP_TRACES_HEADERS", "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
            "OTEL_EXPORTER_OTLP_TIMEOUT", "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "OTEL_EXPORTER_OTLP_COMPRESSION",
            "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "OTEL_EXPORTER_OTLP_CERTIFICATE",
            "OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE");

    /** The name {@code --trace-exporter} uses for this exporter. */
    String name();

    /**
     * Jaeger: an HTTP Thrift collector (preferred when both are set) or a UDP agent, with optional
     * basic authentication for the collector.
     */
    record Jaeger(Optional<URI> collector, Optional<InetSocketAddress> agent, Optional<String> user,
            Optional<String> password) implements ExporterSettings {
        public Jaeger {
            if (collector.isEmpty() && agent.isEmpty()) {
                throw new IllegalArgumentException("the jaeger exporter needs a collector or an agent");
            }
            if (user.isPresent() != password.isPresent()) {
                throw new IllegalArgumentException("JAEGER_USER and JAEGER_PASSWORD must be set together");
            }
        }

        @Override
        public String name() {
            return "jaeger";
        }

        /** Leaves the password out, so settings can be logged. */
        @Override
        public String toString() {
            return "Jaeger[collector=" + collector + ", agent=" + agent + ", user=" + user + "]";
        }
    }

    /** zPages served at {@code address} ({@code /debug/tracez} and the other pages). */
    record ZPages(InetSocketAddress address) implements ExporterSettings {
        public ZPages {
            Objects.requireNonNull(address, "address");
        }

        @Override
        public String name() {
            return "zpages";
        }
    }

    /** Zipkin's HTTP v2 endpoint. */
    record Zipkin(URI endpoint) implements ExporterSettings {
        public Zipkin {
            Objects.requireNonNull(endpoint, "endpoint");
        }

        @Override
        public String name() {
            return "zipkin";
        }
    }

    /** One JSON object per span per line, appended to {@code path}. */
    record SpanFile(Path path) implements ExporterSettings {
        public SpanFile {
            Objects.requireNonNull(path, "path");
        }

        @Override
        public String name() {
            return "file";
        }
    }

    /**
     * OTLP: spans to {@code endpoint} (for {@code http/protobuf} the full traces URL, for
     * {@code grpc} the collector's address) with {@code headers} on every export request, each
     * export given {@code timeout}, gzipped when {@code gzip}, over TLS trusting {@code certificate}
     * (PEM) when given, else the JVM's trust store.
     */
    record Otlp(URI endpoint, OtlpProtocol protocol, Map<String, String> headers, java.time.Duration timeout,
            boolean gzip, Optional<Path> certificate) implements ExporterSettings {
        public Otlp {
            Objects.requireNonNull(endpoint, "endpoint");
            Objects.requireNonNull(protocol, "protocol");
            headers = Map.copyOf(headers);
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(certificate, "certificate");
        }

        @Override
        public String name() {
            return "otlp";
        }

        /** Leaves the header values out (they are often credentials), so settings can be logged. */
        @Override
        public String toString() {
            return "Otlp[endpoint=" + endpoint + ", protocol=" + protocol.text + ", headers=" + headers.keySet()
                    + ", timeout=" + timeout + ", gzip=" + gzip + ", certificate=" + certificate + "]";
        }
    }

    /** The OTLP transports: protobuf over HTTP (the OpenTelemetry default) and gRPC. */
    enum OtlpProtocol {
        HTTP_PROTOBUF("http/protobuf", "http://localhost:4318"),
        GRPC("grpc", "http://localhost:4317");

        final String text;
        final String defaultEndpoint;

        OtlpProtocol(String text, String defaultEndpoint) {
            this.text = text;
            this.defaultEndpoint = defaultEndpoint;
        }
    }

    /**
     * The exporters named by {@code values} (each a name or a comma-separated list; repeats count
     * once, in first-seen order), with their settings read from {@code env}. Throws
     * {@link IllegalArgumentException} with one line naming the unknown exporter or what is missing.
     *
     * @param warnings told about deprecated settings that were accepted
     */
    static List<ExporterSettings> parse(List<String> values, Map<String, String> env, Consumer<String> warnings) {
        List<String> names = new ArrayList<>();
        for (String value : values) {
            for (String part : value.split(",")) {
                String name = part.strip();
                if (name.isEmpty() || names.contains(name)) {
                    continue;
                }
                if (!NAMES.contains(name)) {
                    throw new IllegalArgumentException("unknown trace exporter '" + name + "': use "
                            + String.join(", ", NAMES.stream().sorted().toList()));
                }
                names.add(name);
            }
        }
        List<ExporterSettings> settings = new ArrayList<>();
        for (String name : names) {
            settings.add(switch (name) {
                case "jaeger" -> EnvironmentValues.jaeger(env, warnings);
                case "zpages" -> new ZPages(EnvironmentValues.zpagesAddress(env));
                case "zipkin" -> new Zipkin(EnvironmentValues.url("ZIPKIN_ENDPOINT", EnvironmentValues.require(env,
                        "ZIPKIN_ENDPOINT", "the zipkin exporter needs ZIPKIN_ENDPOINT (e.g. "
                                + "http://localhost:9411/api/v2/spans)")));
                case "file" -> new SpanFile(Path.of(EnvironmentValues.require(env, "VK_TRACE_FILE",
                        "the file exporter needs VK_TRACE_FILE (a file path)")));
                case "otlp" -> EnvironmentValues.otlp(env);
                default -> throw new IllegalStateException(name);
            });
        }
        return List.copyOf(settings);
    }

    /** Reading and checking the variables, for {@link #parse}. */
    final class EnvironmentValues {
        private EnvironmentValues() {}

        static Jaeger jaeger(Map<String, String> env, Consumer<String> warnings) {
            String collector = first(env, "JAEGER_ENDPOINT", "JAEGER_COLLECTOR_ENDPOINT");
            String agent = first(env, "JAEGER_AGENT_ENDPOINT");
            if (agent == null && first(env, "JAGER_AGENT_ENDPOINT") != null) {
                agent = env.get("JAGER_AGENT_ENDPOINT");
                warnings.accept("JAGER_AGENT_ENDPOINT is deprecated (a misspelling kept from upstream); use "
                        + "JAEGER_AGENT_ENDPOINT");
            }
            if (collector == null && agent == null) {
                throw new IllegalArgumentException("the jaeger exporter needs JAEGER_ENDPOINT (HTTP collector, e.g. "
                        + "http://localhost:14268/api/traces) or JAEGER_AGENT_ENDPOINT (UDP agent, e.g. localhost:6831)");
            }
            Optional<URI> collectorUrl = Optional.ofNullable(collector).map(c -> url("JAEGER_ENDPOINT", c));
            Optional<InetSocketAddress> agentAddress = collectorUrl.isPresent() ? Optional.empty()
                    : Optional.of(hostPort("JAEGER_AGENT_ENDPOINT", agent));
            return new Jaeger(collectorUrl, agentAddress, Optional.ofNullable(first(env, "JAEGER_USER")),
                    Optional.ofNullable(first(env, "JAEGER_PASSWORD")));
        }

        /**
         * OTLP from the OpenTelemetry variables: the traces-specific one of each pair wins; the
         * protocol defaults to {@code http/protobuf}; a general endpoint gets {@code /v1/traces}
         * appended for HTTP, a traces endpoint is used as it is; headers are {@code k=v} pairs
         * separated by commas, values percent-decoded.
         */
        static Otlp otlp(Map<String, String> env) {
            String protocolText = first(env, "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL");
            OtlpProtocol protocol = OtlpProtocol.HTTP_PROTOBUF;
            if (protocolText != null) {
                protocol = java.util.Arrays.stream(OtlpProtocol.values()).filter(p -> p.text.equals(protocolText))
                        .findFirst().orElseThrow(() -> new IllegalArgumentException("OTLP protocol '" + protocolText
                                + "' is not supported: use http/protobuf or grpc"));
            }
            URI endpoint;
            String traces = first(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
            if (traces != null) {
                endpoint = url("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", traces);
            } else {
                String base = first(env, "OTEL_EXPORTER_OTLP_ENDPOINT");
                endpoint = url("OTEL_EXPORTER_OTLP_ENDPOINT", base == null ? protocol.defaultEndpoint : base);
                if (protocol == OtlpProtocol.HTTP_PROTOBUF) {
                    endpoint = URI.create(endpoint.toString().replaceAll("/+$", "") + "/v1/traces");
                }
            }
            Map<String, String> headers = new java.util.LinkedHashMap<>();
            headers.putAll(pairs("OTEL_EXPORTER_OTLP_HEADERS", first(env, "OTEL_EXPORTER_OTLP_HEADERS")));
            headers.putAll(pairs("OTEL_EXPORTER_OTLP_TRACES_HEADERS", first(env, "OTEL_EXPORTER_OTLP_TRACES_HEADERS")));
            java.time.Duration timeout = java.time.Duration.ofSeconds(10);
            String timeoutText = first(env, "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "OTEL_EXPORTER_OTLP_TIMEOUT");
            if (timeoutText != null) {
                try {
                    timeout = java.time.Duration.ofMillis(Long.parseLong(timeoutText));
                    if (timeout.isNegative() || timeout.isZero()) {
                        throw new NumberFormatException();
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("OTLP timeout '" + timeoutText + "' is not a positive number of"
                            + " milliseconds");
                }
            }
            String compression = first(env, "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "OTEL_EXPORTER_OTLP_COMPRESSION");
            if (compression != null && !compression.equals("gzip") && !compression.equals("none")) {
                throw new IllegalArgumentException("OTLP compression '" + compression + "' is not supported: use gzip"
                        + " or none");
            }
            Optional<Path> certificate = Optional.ofNullable(first(env, "OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE",
                    "OTEL_EXPORTER_OTLP_CERTIFICATE")).map(Path::of);
            if (certificate.isPresent() && !java.nio.file.Files.isReadable(certificate.get())) {
                throw new IllegalArgumentException("OTLP certificate " + certificate.get() + " cannot be read");
            }
            return new Otlp(endpoint, protocol, headers, timeout, "gzip".equals(compression), certificate);
        }

        /**
         * {@code k1=v1,k2=v2} (the OpenTelemetry format for headers and resource attributes): keys
         * trimmed, values trimmed and percent-decoded; a pair without {@code =} or an empty key is an
         * error naming {@code variable}.
         */
        public static Map<String, String> pairs(String variable, String value) {
            Map<String, String> pairs = new java.util.LinkedHashMap<>();
            if (value == null || value.isBlank()) {
                return pairs;
            }
            for (String pair : value.split(",")) {
                if (pair.isBlank()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                if (eq <= 0 || pair.substring(0, eq).isBlank()) {
                    throw new IllegalArgumentException(variable + ": '" + pair.strip() + "' is not key=value");
                }
                try {
                    pairs.put(pair.substring(0, eq).strip(), java.net.URLDecoder.decode(
                            pair.substring(eq + 1).strip().replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(variable + ": the value of '" + pair.substring(0, eq).strip()
                            + "' is not percent-encoded correctly");
                }
            }
            return pairs;
        }

        /**
         * Where zPages listen: {@code ZPAGES_PORT} as {@code host:port}; {@code :port} means
         * loopback, not every interface, because the pages have no authentication and show span
         * attributes (pod names, namespaces, request paths): to expose them, name the address,
         * e.g. {@code 0.0.0.0:8080}.
         */
        static InetSocketAddress zpagesAddress(Map<String, String> env) {
            String value = require(env, "ZPAGES_PORT",
                    "the zpages exporter needs ZPAGES_PORT (host:port to serve /debug/tracez on, e.g. localhost:8080)");
            InetSocketAddress address = hostPort("ZPAGES_PORT", value);
            return value.strip().startsWith(":")
                    ? new InetSocketAddress(InetAddress.getLoopbackAddress(), address.getPort()) : address;
        }

        static String first(Map<String, String> env, String... names) {
            for (String name : names) {
                String value = env.get(name);
                if (value != null && !value.isBlank()) {
                    return value.strip();
                }
            }
            return null;
        }

        static String require(Map<String, String> env, String name, String message) {
            String value = first(env, name);
            if (value == null) {
                throw new IllegalArgumentException(message);
            }
            return value;
        }

        static URI url(String name, String value) {
            try {
                URI uri = URI.create(value);
                if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                    throw new IllegalArgumentException();
                }
                return uri;
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
    }
}
