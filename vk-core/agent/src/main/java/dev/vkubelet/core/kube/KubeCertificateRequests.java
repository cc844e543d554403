package dev.vkubelet.core.kube;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CertificatesV1Api;
import io.kubernetes.client.openapi.models.V1CertificateSigningRequest;
import io.kubernetes.client.openapi.models.V1CertificateSigningRequestCondition;
import io.kubernetes.client.openapi.models.V1CertificateSigningRequestSpec;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serving certificates from the cluster: a CertificateSigningRequest for signer
 * {@code kubernetes.io/kubelet-serving} (usages digital signature, key encipherment, server auth),
 * then its status read every second until a certificate is issued, or the request is denied or
 * fails, or {@code wait} passes. Someone (an administrator with {@code kubectl certificate approve},
 * or an approver controller) approves it; kube-controller-manager's signer issues it.
 */
public final class KubeCertificateRequests {

    private static final Logger LOG = LoggerFactory.getLogger(KubeCertificateRequests.class);
    public static final String SIGNER = "kubernetes.io/kubelet-serving";

    private final CertificatesV1Api api;
    private final String nodeName;
    private final Duration wait;

    public KubeCertificateRequests(ApiClient client, String nodeName, Duration wait) {
        this.api = new CertificatesV1Api(Objects.requireNonNull(client, "client"));
        this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
        this.wait = Objects.requireNonNull(wait, "wait");
    }

    /** Submits {@code pemRequest}; returns the issued PEM chain. */
    public byte[] sign(byte[] pemRequest) throws InterruptedException {
        V1CertificateSigningRequest created = KubeCalls.create("create certificatesigningrequest for node " + nodeName,
                () -> api.createCertificateSigningRequest(new V1CertificateSigningRequest()
                        .apiVersion("certificates.k8s.io/v1").kind("CertificateSigningRequest")
                        .metadata(new V1ObjectMeta().generateName("csr-" + nodeName + "-"))
                        .spec(new V1CertificateSigningRequestSpec().signerName(SIGNER).request(pemRequest)
                                .usages(List.of("digital signature", "key encipherment", "server auth"))))
                        .execute());
        String name = created.getMetadata().getName();
        LOG.info("certificate signing request {} submitted for node {}: approve it (kubectl certificate approve {})",
                name, nodeName, name);
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            V1CertificateSigningRequest now = KubeCalls.read("get certificatesigningrequest " + name,
                    () -> api.readCertificateSigningRequest(name).execute())
                    .orElseThrow(() -> new IllegalStateException("certificate signing request " + name
                            + " was deleted before it was issued"));
            if (now.getStatus() != null && now.getStatus().getConditions() != null) {
                for (V1CertificateSigningRequestCondition condition : now.getStatus().getConditions()) {
                    if (("Denied".equals(condition.getType()) || "Failed".equals(condition.getType()))
                            && "True".equals(String.valueOf(condition.getStatus()))) {
                        throw new IllegalStateException("certificate signing request " + name + " "
                                + condition.getType().toLowerCase(java.util.Locale.ROOT) + ": " + condition.getReason()
                                + (condition.getMessage() == null ? "" : " (" + condition.getMessage() + ")"));
                    }
                }
            }
            if (now.getStatus() != null && now.getStatus().getCertificate() != null
                    && now.getStatus().getCertificate().length > 0) {
                return now.getStatus().getCertificate();
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("certificate signing request " + name + " was not issued within "
                        + wait.toMinutes() + " min (is it approved? does kube-controller-manager sign "
                        + SIGNER + "?)");
            }
            Thread.sleep(1000);
        }
    }
}
