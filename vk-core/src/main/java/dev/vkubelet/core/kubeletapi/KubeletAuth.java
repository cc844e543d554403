package dev.vkubelet.core.kubeletapi;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AuthenticationV1Api;
import io.kubernetes.client.openapi.apis.AuthorizationV1Api;
import io.kubernetes.client.openapi.models.V1ResourceAttributes;
import io.kubernetes.client.openapi.models.V1SubjectAccessReview;
import io.kubernetes.client.openapi.models.V1SubjectAccessReviewSpec;
import io.kubernetes.client.openapi.models.V1SubjectAccessReviewStatus;
import io.kubernetes.client.openapi.models.V1TokenReview;
import io.kubernetes.client.openapi.models.V1TokenReviewSpec;
import io.kubernetes.client.openapi.models.V1TokenReviewStatus;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authentication and authorisation like the kubelet's webhook mode: a verified client certificate
 * names the user (CN) and groups (O); a bearer token is checked with a TokenReview; without either,
 * the caller is anonymous only when that is enabled. Every request is authorised with a
 * SubjectAccessReview on {@code nodes/<subresource>} of this node. Decisions are cached (allowed
 * and authenticated for 2 minutes, denied for 30 seconds).
 */
final class KubeletAuth {

    private static final Logger LOG = LoggerFactory.getLogger(KubeletAuth.class);

    /** A request that must be answered with {@code status} and {@code message}. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private static final Duration ALLOWED_TTL = Duration.ofMinutes(2);
    private static final Duration DENIED_TTL = Duration.ofSeconds(30);

    private record Cached<T>(T value, long expiresAt) {}

    private final AuthenticationV1Api authentication;
    private final AuthorizationV1Api authorization;
    private final String nodeName;
    private final boolean anonymous;
    private final Map<String, Cached<Caller>> tokens = new ConcurrentHashMap<>();
    private final Map<String, Cached<String>> decisions = new ConcurrentHashMap<>();

    KubeletAuth(ApiClient client, String nodeName, boolean anonymous) {
        this.authentication = new AuthenticationV1Api(Objects.requireNonNull(client, "client"));
        this.authorization = new AuthorizationV1Api(client);
        this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
        this.anonymous = anonymous;
    }

    /** Who is calling: from the verified certificate chain, else the bearer token, else anonymous. */
    Caller authenticate(X509Certificate[] verifiedChain, String authorization) throws Refused {
        if (verifiedChain != null && verifiedChain.length > 0) {
            return fromCertificate(verifiedChain[0]);
        }
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return fromToken(authorization.substring(7).trim());
        }
        if (anonymous) {
            return Caller.anonymous();
        }
        throw new Refused(401, "Unauthorized: no client certificate or bearer token");
    }

    private static Caller fromCertificate(X509Certificate certificate) throws Refused {
        try {
            String user = null;
            List<String> groups = new ArrayList<>();
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    user = String.valueOf(rdn.getValue());
                } else if (rdn.getType().equalsIgnoreCase("O")) {
                    groups.add(String.valueOf(rdn.getValue()));
                }
            }
            if (user == null) {
                throw new Refused(401, "Unauthorized: client certificate has no common name");
            }
            groups.add("system:authenticated");
            return new Caller(user, groups, null);
        } catch (InvalidNameException e) {
            throw new Refused(401, "Unauthorized: unreadable client certificate subject");
        }
    }

    private Caller fromToken(String token) throws Refused {
        long now = System.nanoTime();
        Cached<Caller> cached = tokens.get(token);
        if (cached != null && cached.expiresAt() - now > 0) {
            if (cached.value() == null) {
                throw new Refused(401, "Unauthorized: invalid bearer token");
            }
            return cached.value();
        }
        V1TokenReviewStatus status;
        try {
            status = authentication.createTokenReview(new V1TokenReview().apiVersion("authentication.k8s.io/v1")
                    .kind("TokenReview").spec(new V1TokenReviewSpec().token(token))).execute().getStatus();
        } catch (ApiException e) {
            LOG.warn("cannot check a kubelet API caller's bearer token with the API server (may the node agent create"
                    + " tokenreviews?): HTTP {} {}", e.getCode(), e.getResponseBody());
            throw new Refused(503, "cannot check the bearer token with the API server: HTTP " + e.getCode());
        }
        if (status == null || !Boolean.TRUE.equals(status.getAuthenticated()) || status.getUser() == null) {
            tokens.put(token, new Cached<>(null, now + DENIED_TTL.toNanos()));
            throw new Refused(401, "Unauthorized: invalid bearer token");
        }
        Caller caller = new Caller(status.getUser().getUsername(),
                status.getUser().getGroups() == null ? List.of() : status.getUser().getGroups(),
                status.getUser().getUid());
        tokens.put(token, new Cached<>(caller, now + ALLOWED_TTL.toNanos()));
        return caller;
    }

    /** Checks with a SubjectAccessReview that {@code caller} may {@code method} on {@code path}. */
    void authorize(Caller caller, String method, String path) throws Refused {
        String verb = verb(method);
        String subresource = subresource(path);
        String key = caller.user() + "|" + caller.groups() + "|" + verb + "|" + subresource;
        long now = System.nanoTime();
        Cached<String> cached = decisions.get(key);
        String denial;
        if (cached != null && cached.expiresAt() - now > 0) {
            denial = cached.value();
        } else {
            denial = review(caller, verb, subresource);
            decisions.put(key, new Cached<>(denial, now + (denial == null ? ALLOWED_TTL : DENIED_TTL).toNanos()));
        }
        if (denial != null) {
            throw new Refused(403, denial);
        }
    }

    private String review(Caller caller, String verb, String subresource) throws Refused {
        V1SubjectAccessReviewStatus status;
        try {
            status = authorization.createSubjectAccessReview(new V1SubjectAccessReview()
                    .apiVersion("authorization.k8s.io/v1").kind("SubjectAccessReview")
                    .spec(new V1SubjectAccessReviewSpec().user(caller.user()).groups(caller.groups()).uid(caller.uid())
                            .resourceAttributes(new V1ResourceAttributes().verb(verb).resource("nodes")
                                    .subresource(subresource).name(nodeName)))).execute().getStatus();
        } catch (ApiException e) {
            LOG.warn("cannot authorise a kubelet API request with the API server (may the node agent create"
                    + " subjectaccessreviews?): HTTP {} {}", e.getCode(), e.getResponseBody());
            throw new Refused(503, "cannot authorise the request with the API server: HTTP " + e.getCode());
        }
        if (status != null && Boolean.TRUE.equals(status.getAllowed())) {
            return null;
        }
        return "Forbidden (user=" + caller.user() + ", verb=" + verb + ", resource=nodes, subresource=" + subresource
                + ")" + (status != null && status.getReason() != null && !status.getReason().isEmpty()
                        ? ": " + status.getReason() : "");
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
        if (path.startsWith("/stats")) {
            return "stats";
        }
        if (path.startsWith("/metrics")) {
            return "metrics";
        }
        if (path.startsWith("/logs")) {
            return "log";
        }
        if (path.startsWith("/spec")) {
            return "spec";
        }
        return "proxy";
    }
}
