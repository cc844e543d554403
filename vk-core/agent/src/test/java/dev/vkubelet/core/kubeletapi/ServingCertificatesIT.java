package dev.vkubelet.core.kubeletapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vkubelet.core.app.VirtualKubelet;
import dev.vkubelet.core.controlplane.ControlPlaneAssets;
import dev.vkubelet.core.controlplane.LocalControlPlane;
import dev.vkubelet.core.controlplane.Pki;
import dev.vkubelet.core.pod.InMemoryProvider;
import dev.vkubelet.core.pod.PodClusterFixture;
import dev.vkubelet.provider.testkit.Await;
import io.kubernetes.client.openapi.apis.CertificatesV1Api;
import io.kubernetes.client.openapi.models.V1CertificateSigningRequest;
import io.kubernetes.client.openapi.models.V1CertificateSigningRequestCondition;
import io.kubernetes.client.openapi.models.V1CertificateSigningRequestStatus;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kubelet API's serving certificate from the cluster (a CSR approved by an administrator and
 * signed by kube-controller-manager, renewed and swapped while connections stay open), from files
 * that change, and TLS versions and cipher suites, against a local control plane.
 */
class ServingCertificatesIT {

    /** Issued certificates live 30 s past their 5-minute backdating, so renewal comes within a test. */
    private static LocalControlPlane plane;

    private PodClusterFixture cluster;

    @TempDir
    Path dir;

    @BeforeAll
    static void startPlane() throws Exception {
        plane = LocalControlPlane.start(ControlPlaneAssets.locate(System.getenv()), LocalControlPlane.Options
                .apiServerOnly().withControllerManager("--controllers=csrsigning", "--cluster-signing-duration=5m30s"));
    }

    @AfterAll
    static void stopPlane() {
        if (plane != null) {
            plane.close();
        }
    }

    @AfterEach
    void close() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** The certificate a new TLS connection to {@code port} is served, and the socket (open). */
    private static SSLSocket connect(int port, SSLContext context) throws Exception {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
        socket.setSoTimeout(20_000);
        socket.startHandshake();
        return socket;
    }

    /** The certificate a new connection is served now; empty when the handshake fails. */
    private static java.util.Optional<X509Certificate> servedNow(int port) {
        try (SSLSocket socket = connect(port, dev.vkubelet.provider.testkit.TrustAll.context(null))) {
            return java.util.Optional.of((X509Certificate) socket.getSession().getPeerCertificates()[0]);
        } catch (Exception e) {
            return java.util.Optional.empty();
        }
    }

    private static X509Certificate served(int port) {
        return servedNow(port).orElseThrow(() -> new AssertionError("no TLS handshake with port " + port));
    }

    /** Sends {@code GET /healthz} over {@code socket} (kept alive) and returns the status line. */
    private static String health(SSLSocket socket) throws Exception {
        OutputStream out = socket.getOutputStream();
        out.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                StandardCharsets.US_ASCII));
        String status = in.readLine();
        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
            // headers
        }
        char[] body = new char[3];
        assertEquals(3, in.read(body), "no body");
        return status;
    }

    @Test
    void theClusterIssuesTheServingCertificateAndARenewalIsServedWithoutDroppingConnections() throws Exception {
        cluster = new PodClusterFixture(plane);
        CertificatesV1Api certificates = new CertificatesV1Api(plane.adminClient());
        Set<String> approved = ConcurrentHashMap.newKeySet();
        AtomicBoolean approving = new AtomicBoolean(true);
        String requester = "system:node:" + cluster.node();
        Thread approver = new Thread(() -> {
            while (approving.get()) {
                try {
                    for (V1CertificateSigningRequest csr : certificates.listCertificateSigningRequest().execute()
                            .getItems()) {
                        String name = csr.getMetadata().getName();
                        if (requester.equals(csr.getSpec().getUsername()) && !approved.contains(name)) {
                            // what kubectl certificate approve does
                            csr.setStatus(new V1CertificateSigningRequestStatus().addConditionsItem(
                                    new V1CertificateSigningRequestCondition().type("Approved").status("True")
                                            .reason("ApprovedByTest").message("approved by ServingCertificatesIT")));
                            certificates.replaceCertificateSigningRequestApproval(name, csr).execute();
                            approved.add(name);
                        }
                    }
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    // the API server may be busy: try again on the next round
                }
            }
        });
        approver.setDaemon(true);
        approver.start();
        try {
            VirtualKubelet agent = cluster.startEmbedded(new InMemoryProvider(true), "--rotate-server-certificates",
                    "true");
            int port = agent.kubeletApiAddress().orElseThrow().getPort();
            String clusterCa = plane.pki().ca().certificate().getSubjectX500Principal().getName();
            X509Certificate first = Await.until(Duration.ofSeconds(60), "a certificate the cluster issued",
                    () -> servedNow(port).filter(now -> now.getIssuerX500Principal().getName().equals(clusterCa)));
            assertTrue(first.getSubjectX500Principal().getName().contains("CN=system:node:" + cluster.node()),
                    first.getSubjectX500Principal().getName());
            assertTrue(first.getSubjectAlternativeNames().stream().anyMatch(san -> san.get(1).equals(cluster.node())));
            Duration left = Duration.between(Instant.now(), first.getNotAfter().toInstant());
            assertTrue(left.compareTo(Duration.ofMinutes(2)) < 0, "the signer issued for " + left
                    + ": the renewal cannot be seen within the test");

            SSLSocket before = connect(port, dev.vkubelet.provider.testkit.TrustAll.context(null));
            assertTrue(health(before).startsWith("HTTP/1.1 200"));
            X509Certificate renewed = Await.until(left.plus(Duration.ofSeconds(30)), "a renewed certificate",
                    () -> servedNow(port).filter(now -> !now.getSerialNumber().equals(first.getSerialNumber())));
            assertTrue(renewed.getNotAfter().after(first.getNotAfter()));
            assertEquals(clusterCa, renewed.getIssuerX500Principal().getName());
            assertTrue(approved.size() >= 2, "renewal made no second request: " + approved);
            assertTrue(health(before).startsWith("HTTP/1.1 200"), "the swap dropped an open connection");
            before.close();
        } finally {
            approving.set(false);
            approver.interrupt();
        }
    }

    @Test
    void certificateFilesAreReadAgainWhenTheyChange() throws Exception {
        cluster = new PodClusterFixture(plane);
        Pki pki = Pki.newCa("file-test-ca", Pki.KeyType.EC);
        Pki.Issued one = pki.server("one", List.of("one"), List.of("127.0.0.1"));
        Path cert = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        Files.writeString(cert, one.certificatePem());
        Files.writeString(key, pkcs8(one));
        VirtualKubelet agent = cluster.startEmbedded(new InMemoryProvider(true), "--tls-cert-file", cert.toString(),
                "--tls-private-key-file", key.toString());
        int port = agent.kubeletApiAddress().orElseThrow().getPort();
        assertEquals(one.certificate().getSerialNumber(), served(port).getSerialNumber());
        SSLSocket before = connect(port, dev.vkubelet.provider.testkit.TrustAll.context(null));

        Pki.Issued two = pki.server("two", List.of("two"), List.of("127.0.0.1"));
        Path staged = dir.resolve("staged.key");
        Files.writeString(staged, pkcs8(two));
        Files.writeString(cert, two.certificatePem());
        Files.move(staged, key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Await.until(Duration.ofSeconds(30), "the new certificate served", () -> servedNow(port)
                .map(now -> two.certificate().getSerialNumber().equals(now.getSerialNumber())).orElse(false));
        assertTrue(health(before).startsWith("HTTP/1.1 200"), "the reload dropped an open connection");
        before.close();

        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs =
                new ch.qos.logback.core.read.ListAppender<>();
        ch.qos.logback.classic.Logger certificates = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger(ServingCertificates.class);
        logs.start();
        certificates.addAppender(logs);
        try {
            Files.writeString(cert, "not a certificate");
            Await.until(Duration.ofSeconds(30), "the broken files noticed", () -> logs.list.stream()
                    .anyMatch(e -> e.getFormattedMessage().contains("cannot reload the serving certificate")));
        } finally {
            certificates.detachAppender(logs);
        }
        assertEquals(two.certificate().getSerialNumber(), served(port).getSerialNumber(),
                "broken files replaced the served certificate");
    }

    private static String pkcs8(Pki.Issued issued) {
        return "-----BEGIN PRIVATE KEY-----\n" + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'})
                .encodeToString(issued.keys().getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
    }

    @Test
    void tlsMinimumVersionAndCipherSuitesAreEnforced() throws Exception {
        cluster = new PodClusterFixture(plane);
        VirtualKubelet modern = cluster.startEmbedded(new InMemoryProvider(true), "--tls-min-version",
                "VersionTLS13");
        int port = modern.kubeletApiAddress().orElseThrow().getPort();
        assertThrows(SSLHandshakeException.class, () -> handshake(port, "TLSv1.2", null).close(),
                "a TLS 1.2 client was served with --tls-min-version VersionTLS13");
        try (SSLSocket ok = handshake(port, "TLSv1.3", null)) {
            assertEquals("TLSv1.3", ok.getSession().getProtocol());
        }
        cluster.close();

        cluster = new PodClusterFixture(plane);
        VirtualKubelet chosen = cluster.startEmbedded(new InMemoryProvider(true), "--tls-cipher-suites",
                "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
        int other = chosen.kubeletApiAddress().orElseThrow().getPort();
        assertThrows(SSLHandshakeException.class, () -> handshake(other, "TLSv1.2",
                "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384").close(), "a suite outside --tls-cipher-suites was used");
        try (SSLSocket ok = handshake(other, "TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")) {
            assertEquals("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", ok.getSession().getCipherSuite());
        }
        try (SSLSocket tls13 = handshake(other, "TLSv1.3", null)) {
            assertEquals("TLSv1.3", tls13.getSession().getProtocol(), "TLS 1.3 must stay on with TLS 1.2 suites set");
        }
    }

    private static SSLSocket handshake(int port, String protocol, String suite) throws Exception {
        SSLSocket socket = (SSLSocket) dev.vkubelet.provider.testkit.TrustAll.context(null).getSocketFactory()
                .createSocket("127.0.0.1", port);
        socket.setSoTimeout(20_000);
        socket.setEnabledProtocols(new String[] {protocol});
        if (suite != null) {
            socket.setEnabledCipherSuites(new String[] {suite});
        }
        socket.startHandshake();
        return socket;
    }
}
