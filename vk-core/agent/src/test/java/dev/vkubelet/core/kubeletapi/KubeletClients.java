package dev.vkubelet.core.kubeletapi;

import dev.vkubelet.core.controlplane.LocalControlPlane;
import dev.vkubelet.core.controlplane.Pki;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.RbacAuthorizationV1Api;
import io.kubernetes.client.openapi.models.AuthenticationV1TokenRequest;
import io.kubernetes.client.openapi.models.RbacV1Subject;
import io.kubernetes.client.openapi.models.V1ClusterRole;
import io.kubernetes.client.openapi.models.V1ClusterRoleBinding;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1PolicyRule;
import io.kubernetes.client.openapi.models.V1RoleRef;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.openapi.models.V1TokenRequestSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;

/** Clients of an agent's kubelet API for tests: TLS without server verification, certificates, tokens. */
public final class KubeletClients {

    private KubeletClients() {}

    /** A client presenting no certificate. */
    static HttpClient anonymous() throws Exception {
        return HttpClient.newBuilder().sslContext(dev.vkubelet.provider.testkit.TrustAll.context(null)).build();
    }

    /** A client presenting a certificate of the control plane's CA for {@code user} in {@code groups}. */
    public static HttpClient withCertificate(LocalControlPlane plane, String user, List<String> groups) throws Exception {
        return HttpClient.newBuilder().sslContext(sslContext(plane, user, groups)).build();
    }

    /** TLS presenting a certificate of the control plane's CA for {@code user} in {@code groups}. */
    static javax.net.ssl.SSLContext sslContext(LocalControlPlane plane, String user, List<String> groups)
            throws Exception {
        Pki.Issued issued = plane.pki().client(user, groups);
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("client", issued.keys().getPrivate(), new char[0],
                new java.security.cert.Certificate[] {issued.certificate()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, new char[0]);
        return dev.vkubelet.provider.testkit.TrustAll.context(kmf);
    }

    public static HttpResponse<String> get(HttpClient client, String url, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
        headers.forEach(request::header);
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * A bearer token of a new service account {@code name} in {@code namespace}, bound cluster-wide
     * to a role with {@code verbs} on the {@code nodes/...} subresource {@code resource}.
     */
    static String tokenWith(LocalControlPlane plane, String namespace, String name, String resource,
            List<String> verbs) throws Exception {
        CoreV1Api core = new CoreV1Api(plane.adminClient());
        RbacAuthorizationV1Api rbac = new RbacAuthorizationV1Api(plane.adminClient());
        String role = "kubelet-api-" + name + "-" + namespace;
        rbac.createClusterRole(new V1ClusterRole().metadata(new V1ObjectMeta().name(role)).rules(List.of(
                new V1PolicyRule().apiGroups(List.of("")).resources(List.of(resource)).verbs(verbs)))).execute();
        core.createNamespacedServiceAccount(namespace, new V1ServiceAccount().metadata(new V1ObjectMeta().name(name)))
                .execute();
        rbac.createClusterRoleBinding(new V1ClusterRoleBinding().metadata(new V1ObjectMeta().name(role))
                .roleRef(new V1RoleRef().apiGroup("rbac.authorization.k8s.io").kind("ClusterRole").name(role))
                .subjects(List.of(new RbacV1Subject().kind("ServiceAccount").name(name).namespace(namespace))))
                .execute();
        return core.createNamespacedServiceAccountToken(name, namespace, new AuthenticationV1TokenRequest()
                .spec(new V1TokenRequestSpec().audiences(List.of()).expirationSeconds(600L))).execute().getStatus()
                .getToken();
    }
}
