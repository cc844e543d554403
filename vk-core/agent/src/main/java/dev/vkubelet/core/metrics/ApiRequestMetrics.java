package dev.vkubelet.core.metrics;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * An okhttp interceptor on the agent's API clients: counts requests by verb, resource and code,
 * with their latency (to the response headers; a watch counts once, when it opens).
 */
public final class ApiRequestMetrics implements Interceptor {

    private final Instrumentation metrics;

    public ApiRequestMetrics(Instrumentation metrics) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        String verb = verb(request);
        String resource = resource(request.url().pathSegments());
        long start = System.nanoTime();
        try {
            Response response = chain.proceed(request);
            metrics.apiRequest(verb, resource, response.code(), Duration.ofNanos(System.nanoTime() - start));
            return response;
        } catch (IOException | RuntimeException e) {
            metrics.apiRequest(verb, resource, 0, Duration.ofNanos(System.nanoTime() - start));
            throw e;
        }
    }

    private static String verb(Request request) {
        String method = request.method();
        if ("GET".equals(method) && "true".equals(request.url().queryParameter("watch"))) {
            return "WATCH";
        }
        return method;
    }

    /**
     * The resource a path names, with its subresource: {@code /api/v1/namespaces/a/pods/b/status}
     * is {@code pods/status}; {@code /apis/coordination.k8s.io/v1/namespaces/x/leases/n} is
     * {@code leases}.
     */
    static String resource(List<String> segments) {
        int start;
        if (!segments.isEmpty() && segments.get(0).equals("api")) {
            start = 2;
        } else if (!segments.isEmpty() && segments.get(0).equals("apis")) {
            start = 3;
        } else {
            return segments.isEmpty() ? "" : segments.get(0);
        }
        List<String> rest = segments.size() > start ? segments.subList(start, segments.size()) : List.of();
        if (rest.size() >= 3 && rest.get(0).equals("namespaces")) {
            rest = rest.subList(2, rest.size());
        } else if (rest.size() == 2 && rest.get(0).equals("namespaces")) {
            return "namespaces";
        }
        if (rest.isEmpty()) {
            return "";
        }
        return rest.size() >= 3 ? rest.get(0) + "/" + rest.get(2) : rest.get(0);
    }
}
