package dev.vkubelet.provider.testkit;

import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/** TLS for tests that talk to a kubelet API with a self-signed certificate. */
public final class TrustAll {

    private TrustAll() {}

    /** A context that trusts any server and presents {@code keys} (or no client certificate when null). */
    public static SSLContext context(KeyManagerFactory keys) throws Exception {
        TrustManager trustAll = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys == null ? null : keys.getKeyManagers(), new TrustManager[] {trustAll}, new SecureRandom());
        return context;
    }
}
