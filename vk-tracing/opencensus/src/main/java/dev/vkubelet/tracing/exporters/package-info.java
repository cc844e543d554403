/**
 * Where spans go. {@link dev.vkubelet.tracing.exporters.ExporterSettings#parse} reads the
 * {@code --trace-exporter} names and the exporters' environment variables once into checked,
 * typed settings; {@link dev.vkubelet.tracing.exporters.TraceExporters#start} starts them:
 *
 * <ul>
 *   <li>{@code jaeger}: HTTP Thrift collector ({@code JAEGER_ENDPOINT} or
 *       {@code JAEGER_COLLECTOR_ENDPOINT}, basic auth from {@code JAEGER_USER}/{@code JAEGER_PASSWORD})
 *       or UDP agent ({@code JAEGER_AGENT_ENDPOINT}; upstream's misspelt
 *       {@code JAGER_AGENT_ENDPOINT} is accepted with a warning);
 *   <li>{@code zpages}: {@code ZPAGES_PORT} ({@code host:port}; {@code :port} is loopback) serves
 *       {@code /debug/tracez} and the other zPages ({@link dev.vkubelet.tracing.exporters.ZPagesServer});
 *   <li>{@code zipkin}: {@code ZIPKIN_ENDPOINT} (HTTP v2, e.g. {@code http://localhost:9411/api/v2/spans});
 *   <li>{@code file}: {@code VK_TRACE_FILE}: one JSON object per span per line
 *       ({@link dev.vkubelet.tracing.exporters.FileSpanExporter});
 *   <li>{@code otlp}: the OpenTelemetry variables ({@code OTEL_EXPORTER_OTLP_*}); the spans are
 *       converted to the OpenTelemetry SDK's span data and sent by its own exporter over
 *       {@code http/protobuf} or {@code grpc} ({@code OtlpExporter}).
 * </ul>
 *
 * <p>The {@code file} and {@code otlp} exporters wait on stop until the spans ended before it have
 * gone out ({@code FlushingExporter}).
 *
 * <p>OpenCensus underneath: exporters are process-wide span handlers. Only the host uses this
 * package.
 *
 * <p>Depends on OpenCensus and its exporters; only the agent depends on it.
 */
package dev.vkubelet.tracing.exporters;
