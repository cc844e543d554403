package dev.vkubelet.tracing.opencensus;

import io.opencensus.trace.SpanContext;
import io.opencensus.trace.Tracing;
import io.opencensus.trace.propagation.SpanContextParseException;
import io.opencensus.trace.propagation.TextFormat;
import java.util.Optional;
import java.util.function.Function;

/** Reads a caller's trace context from request headers: W3C {@code traceparent} first, then B3. */
final class IncomingContext {

    private static final TextFormat.Getter<Function<String, String>> GETTER = new TextFormat.Getter<>() {
        @Override
        public String get(Function<String, String> carrier, String key) {
            return carrier.apply(key);
        }
    };

    private IncomingContext() {}

    static Optional<SpanContext> extract(Function<String, String> header) {
        for (TextFormat format : new TextFormat[] {
                Tracing.getPropagationComponent().getTraceContextFormat(),
                Tracing.getPropagationComponent().getB3Format()}) {
            try {
                SpanContext context = format.extract(header, GETTER);
                if (context.isValid()) {
                    return Optional.of(context);
                }
            } catch (SpanContextParseException | RuntimeException e) {
                // absent or malformed in this format (OpenCensus' W3C parser can even throw
                // StringIndexOutOfBoundsException on garbage): try the next one
            }
        }
        return Optional.empty();
    }
}
