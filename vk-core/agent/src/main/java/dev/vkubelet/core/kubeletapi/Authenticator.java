package dev.vkubelet.core.kubeletapi;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.AuthenticationV1Api;
import io.kubernetes.client.openapi.models.V1TokenReview;
import io.kubernetes.client.openapi.models.V1TokenReviewSpec;
import io.kubernetes.client.openapi.models.V1TokenReviewStatus;
import io.kubernetes.client.openapi.models.V1UserInfo;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslHandler;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Who is calling, as the kubelet's webhook mode decides it: a verified client certificate names
 * the user (CN) and groups (O); a bearer token is checked with a TokenReview; without either, the
 * caller is anonymous only when that is enabled. {@link #known} answers without a review (on the
 * event loop, from the request head); {@link #review} makes the TokenReview, within the
 * {@link ReviewBudget}. Results are cached by a digest of the token: authenticated for 2 minutes,
 * unauthenticated for 10 seconds, at most {@code cacheSize} tokens.
 */
final class Authenticator {

    static final Duration AUTHENTICATED_TTL = Duration.ofMinutes(2);
    static final Duration UNAUTHENTICATED_TTL = Duration.ofSeconds(10);

    /** What {@link #known} found: a caller, or a token that needs a review. */
    record Known(Caller caller, String token) {
        static Known caller(Caller caller) {
            return new Known(caller, null);
        }

        static Known review(String token) {
            return new Known(null, token);
        }
    }

    private final AuthenticationV1Api api;
    private final boolean anonymous;
    private final ReviewBudget budget;
    private final ReviewCache<Optional<Caller>> tokens;

    Authenticator(ApiClient reviewClient, boolean anonymous, ReviewBudget budget, int cacheSize) {
        this.api = new AuthenticationV1Api(Objects.requireNonNull(reviewClient, "reviewClient"));
        this.anonymous = anonymous;
        this.budget = Objects.requireNonNull(budget, "budget");
        this.tokens = new ReviewCache<>(cacheSize, System::nanoTime);
    }

    /**
     * The caller when it is known without asking the API server: from the certificate chain, a
     * cached token review, or anonymous; a {@link Known#review} when the token needs a review.
     *
     * @throws Refused 401 without credentials (and anonymous access off), or for a token known bad
     */
    Known known(X509Certificate[] verifiedChain, String authorization) throws Refused {
        if (verifiedChain != null && verifiedChain.length > 0) {
            return Known.caller(fromCertificate(verifiedChain[0]));
        }
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = authorization.substring(7).trim();
            if (token.isEmpty()) {
                throw new Refused(401, "Unauthorized: empty bearer token");
            }
            Optional<Optional<Caller>> cached = tokens.get(ReviewCache.key(List.of(token)));
            if (cached.isPresent()) {
                return Known.caller(cached.get().orElseThrow(() -> new Refused(401,
                        "Unauthorized: invalid bearer token")));
            }
            return Known.review(token);
        }
        if (anonymous) {
            return Known.caller(Caller.anonymous());
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
            return new Caller(user, groups, null, Map.of(), true);
        } catch (InvalidNameException e) {
            throw new Refused(401, "Unauthorized: unreadable client certificate subject");
        }
    }

    /** The client certificate chain TLS verified on {@code ctx}'s connection, or null. */
    static X509Certificate[] peerChain(ChannelHandlerContext ctx) {
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        if (ssl == null) {
            return null;
        }
        try {
            Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
            return Arrays.stream(chain).map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }
    /** Checks {@code token} with a TokenReview (blocking); the answer is cached. */
    Caller review(String token) throws Refused {
        String key = ReviewCache.key(List.of(token));
        Optional<Optional<Caller>> cached = tokens.get(key);
        if (cached.isPresent()) {
            return cached.get().orElseThrow(() -> new Refused(401, "Unauthorized: invalid bearer token"));
        }
        V1TokenReviewStatus status = budget.spend("token review", "check the bearer token", () -> api
                .createTokenReview(new V1TokenReview().apiVersion("authentication.k8s.io/v1").kind("TokenReview")
                        .spec(new V1TokenReviewSpec().token(token))).execute().getStatus());
        V1UserInfo user = status == null ? null : status.getUser();
        if (!Boolean.TRUE.equals(status == null ? null : status.getAuthenticated()) || user == null
                || user.getUsername() == null) {
            tokens.put(key, Optional.empty(), UNAUTHENTICATED_TTL);
            throw new Refused(401, "Unauthorized: invalid bearer token");
        }
        Caller caller = new Caller(user.getUsername(), user.getGroups() == null ? List.of() : user.getGroups(),
                user.getUid(), user.getExtra() == null ? Map.of() : user.getExtra(), true);
        tokens.put(key, Optional.of(caller), AUTHENTICATED_TTL);
        return caller;
    }

    /** How many tokens the cache holds (for tests and metrics). */
    int cachedTokens() {
        return tokens.size();
    }
}
