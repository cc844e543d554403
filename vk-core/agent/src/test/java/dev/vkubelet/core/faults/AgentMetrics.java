package dev.vkubelet.core.faults;

import dev.vkubelet.core.app.VirtualKubelet;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads an in-process agent's own Prometheus metrics. */
public final class AgentMetrics {

    private static final Pattern REQUESTS = Pattern.compile(
            "(?m)^vk_apiserver_request_duration_seconds_count\\{([^}]*)\\} (\\S+)$");

    private AgentMetrics() {}

    /** How many API server requests the agent made whose labels ({@code code="409",resource="pods/status",...}) match. */
    public static double apiRequests(VirtualKubelet agent, Predicate<String> labels) throws Exception {
        String text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + agent.metricsAddress().orElseThrow().getPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = REQUESTS.matcher(text);
        double total = 0;
        while (m.find()) {
            if (labels.test(m.group(1))) {
                total += Double.parseDouble(m.group(2));
            }
        }
        return total;
    }
}
