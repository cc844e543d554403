package dev.vkubelet.core.kubeletapi;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.AuthorizationV1Api;
import io.kubernetes.client.openapi.models.V1ResourceAttributes;
import io.kubernetes.client.openapi.models.V1SubjectAccessReview;
import io.kubernetes.client.openapi.models.V1SubjectAccessReviewSpec;
import io.kubernetes.client.openapi.models.V1SubjectAccessReviewStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Authorises every request with a SubjectAccessReview on {@code nodes/<subresource>} of the node,
 * as the current kubelet does. The verb comes from the HTTP method ({@code GET} get, {@code POST}
 * create, ...), except that exec, attach and port-forward always need {@code create}: a WebSocket
 * upgrade is a GET, and must not make {@code get nodes/proxy} enough to run commands. The
 * subresource comes from the path ({@code stats}, {@code metrics}, {@code log}, else
 * {@code proxy}); {@code /pods} asks for {@code nodes/pods} first and falls back to
 * {@code nodes/proxy} (the kubelet's fine-grained authorisation). The review carries the caller's
 * user, groups, uid and extra. Decisions are cached (allowed for 2 minutes, denied for 30
 * seconds, at most {@code cacheSize}) under a digest of all of those, and reviews are spent from
 * the {@link ReviewBudget}.
 */
final class Authorizer {

    private static final Duration ALLOWED_TTL = Duration.ofMinutes(2);
    private static final Duration DENIED_TTL = Duration.ofSeconds(30);

    /** One check: a verb on a subresource of the node. */
    record Check(String verb, String subresource) {}

    private final AuthorizationV1Api api;
    private final String nodeName;
    private final ReviewBudget budget;
    private final ReviewCache<Optional<String>> decisions;

    Authorizer(ApiClient reviewClient, String nodeName, ReviewBudget budget, int cacheSize) {
        this.api = new AuthorizationV1Api(Objects.requireNonNull(reviewClient, "reviewClient"));
        this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
        this.budget = Objects.requireNonNull(budget, "budget");
        this.decisions = new ReviewCache<>(cacheSize, System::nanoTime);
    }

    /** The checks a request needs, in order: the first that allows it is enough. */
    static List<Check> checks(String method, String path) {
        String verb = streaming(path) ? "create" : verb(method);
        if (path.equals("/pods") || path.startsWith("/pods/")) {
            return List.of(new Check(verb, "pods"), new Check(verb, "proxy"));
        }
        return List.of(new Check(verb, subresource(path)));
    }

    private static boolean streaming(String path) {
        return path.startsWith("/exec/") || path.startsWith("/attach/") || path.startsWith("/portForward/")
                || path.equals("/exec") || path.equals("/attach") || path.equals("/portForward");
    }

    static String verb(String method) {
        return switch (method) {
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> "delete";
            default -> "get";
        };
    }

    /** The node subresource a path needs, as the kubelet maps it. */
    static String subresource(String path) {
        if (path.equals("/stats") || path.startsWith("/stats/")) {
            return "stats";
        }
        if (path.equals("/metrics") || path.startsWith("/metrics/")) {
            return "metrics";
        }
        if (path.equals("/logs") || path.startsWith("/logs/")) {
            return "log";
        }
        return "proxy";
    }

    /**
     * Checks that {@code caller} may {@code method} {@code path} (blocking on reviews not cached).
     *
     * @throws Refused 403 with the last denial, 429 beyond the review budget, 503 when the API
     *     server cannot answer
     */
    void authorize(Caller caller, String method, String path) throws Refused {
        String denial = null;
        for (Check check : checks(method, path)) {
            Optional<String> decision = decide(caller, check);
            if (decision.isEmpty()) {
                return;
            }
            denial = decision.get();
        }
        throw new Refused(403, denial);
    }

    /** Empty when allowed, else why not. */
    private Optional<String> decide(Caller caller, Check check) throws Refused {
        List<String> parts = new ArrayList<>(List.of(caller.user(), String.valueOf(caller.uid()), check.verb(),
                check.subresource(), String.valueOf(caller.groups().size())));
        parts.addAll(caller.groups());
        new TreeMap<>(caller.extra()).forEach((k, v) -> {
            parts.add(k);
            parts.add(String.valueOf(v.size()));
            parts.addAll(v);
        });
        String key = ReviewCache.key(parts);
        Optional<Optional<String>> cached = decisions.get(key);
        if (cached.isPresent()) {
            return cached.get();
        }
        Optional<String> decision = review(caller, check);
        decisions.put(key, decision, decision.isEmpty() ? ALLOWED_TTL : DENIED_TTL);
        return decision;
    }

    private Optional<String> review(Caller caller, Check check) throws Refused {
        V1SubjectAccessReviewStatus status = budget.spend("subject access review", "authorise the request",
                () -> api.createSubjectAccessReview(new V1SubjectAccessReview()
                        .apiVersion("authorization.k8s.io/v1").kind("SubjectAccessReview")
                        .spec(new V1SubjectAccessReviewSpec().user(caller.user()).groups(caller.groups())
                                .uid(caller.uid()).extra(caller.extra().isEmpty() ? null : Map.copyOf(caller.extra()))
                                .resourceAttributes(new V1ResourceAttributes().verb(check.verb()).resource("nodes")
                                        .subresource(check.subresource()).name(nodeName)))).execute().getStatus());
        if (status != null && Boolean.TRUE.equals(status.getAllowed())) {
            return Optional.empty();
        }
        return Optional.of("Forbidden (user=" + caller.user() + ", verb=" + check.verb() + ", resource=nodes, subresource="
                + check.subresource() + ")" + (status != null && status.getReason() != null
                        && !status.getReason().isEmpty() ? ": " + status.getReason() : ""));
    }
}
