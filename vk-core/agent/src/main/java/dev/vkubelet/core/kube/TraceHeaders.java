package dev.vkubelet.core.kube;

import dev.vkubelet.tracing.Tracer;
import java.io.IOException;
import java.util.Objects;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Puts the calling thread's trace context on every request to the API server, in the formats of
 * {@code --trace-propagation} ({@link Tracer#inject}): a status write carries the trace of the pod
 * sync that made it. A request made outside any span goes out as it is.
 */
public final class TraceHeaders implements Interceptor {

    private final Tracer tracer;

    public TraceHeaders(Tracer tracer) {
        this.tracer = Objects.requireNonNull(tracer, "tracer");
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        Request.Builder[] traced = {null};
        tracer.inject((name, value) -> {
            if (traced[0] == null) {
                traced[0] = request.newBuilder();
            }
            traced[0].header(name, value);
        });
        return chain.proceed(traced[0] == null ? request : traced[0].build());
    }
}
