package dev.vkubelet.core.kubeletapi;

import dev.vkubelet.core.threads.DaemonThreads;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet API's serving certificate, which can change while the server runs: each new
 * connection takes the {@link #current()} TLS context, connections already open keep theirs. Three
 * sources: files ({@code --tls-cert-file}, {@code --tls-private-key-file}), read again when either
 * changes (checked every second); the cluster ({@code --rotate-server-certificates}): a
 * CertificateSigningRequest for signer {@code kubernetes.io/kubelet-serving}, served once approved
 * and issued (until then, a self-signed certificate) and renewed when 80 % of the time from its
 * receipt to its expiry has passed; or a self-signed certificate. Every context has the same TLS
 * settings ({@link TlsOptions}).
 */
public final class ServingCertificates implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServingCertificates.class);
    /** The TLS 1.3 suites, which the JDK and Go fix: {@code --tls-cipher-suites} chooses TLS 1.2's. */
    private static final List<String> TLS13_SUITES = List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256");
    private static final Duration FILE_CHECK = Duration.ofSeconds(1);
    private static final Duration RETRY_FIRST = Duration.ofSeconds(5);
    private static final Duration RETRY_MAX = Duration.ofMinutes(5);

    /** Asks the cluster to sign a serving certificate request; blocks until issued. */
    @FunctionalInterface
    public interface Signer {
        /**
         * Submits {@code pemRequest} and returns the issued chain in PEM once approved and signed.
         *
         * @throws Exception when the request is denied, fails or cannot be submitted
         */
        byte[] sign(byte[] pemRequest) throws Exception;
    }

    private final TlsOptions options;
    private final String nodeName;
    private final List<String> addresses;
    private final Optional<Path> certificateFile;
    private final Optional<Path> keyFile;
    private final Optional<Signer> signer;
    /** Watches the files or renews the certificate; made by {@link #start}, shut by {@link #close}. */
    private ScheduledExecutorService scheduler;
    private boolean closed;
    private volatile SslContext current;
    private volatile X509Certificate serving;
    private List<FileTime> seen = List.of();
    private Duration retry = RETRY_FIRST;

    private ServingCertificates(TlsOptions options, String nodeName, List<String> addresses,
            Optional<Path> certificateFile, Optional<Path> keyFile, Optional<Signer> signer) {
        this.options = Objects.requireNonNull(options, "options");
        this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
        this.addresses = List.copyOf(addresses);
        this.certificateFile = certificateFile;
        this.keyFile = keyFile;
        this.signer = signer;
    }

    /** Serving with the certificate and key in these files, read again when they change. */
    public static ServingCertificates fromFiles(Path certificate, Path key, TlsOptions options) throws IOException {
        ServingCertificates certificates = new ServingCertificates(options, "", List.of(), Optional.of(certificate),
                Optional.of(key), Optional.empty());
        certificates.loadFiles();
        return certificates;
    }

    /** Serving with a self-signed certificate for {@code nodeName} and {@code addresses}. */
    public static ServingCertificates selfSigned(String nodeName, List<String> addresses, TlsOptions options)
            throws IOException {
        ServingCertificates certificates = new ServingCertificates(options, nodeName, addresses, Optional.empty(),
                Optional.empty(), Optional.empty());
        certificates.serveSelfSigned();
        return certificates;
    }

    /**
     * Serving with certificates the cluster issues through {@code signer}; self-signed until the
     * first is issued (the request is made by {@link #start()}).
     */
    public static ServingCertificates fromCluster(String nodeName, List<String> addresses, TlsOptions options,
            Signer signer) throws IOException {
        ServingCertificates certificates = new ServingCertificates(options, nodeName, addresses, Optional.empty(),
                Optional.empty(), Optional.of(signer));
        certificates.serveSelfSigned();
        return certificates;
    }

    /** The context for a new connection. */
    public SslContext current() {
        return current;
    }

    /** The certificate served now. */
    public X509Certificate serving() {
        return serving;
    }

    /** Starts watching the files, or requests the first certificate from the cluster. */
    public synchronized void start() {
        if (closed || scheduler != null) {
            throw new IllegalStateException(closed ? "closed" : "already started");
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("kubelet-api-certificates"));
        if (certificateFile.isPresent()) {
            scheduler.scheduleWithFixedDelay(this::reloadIfChanged, FILE_CHECK.toMillis(), FILE_CHECK.toMillis(),
                    TimeUnit.MILLISECONDS);
        } else if (signer.isPresent()) {
            scheduler.execute(this::requestCertificate);
        }
    }

    private void serveSelfSigned() throws IOException {
        List<String> ips = new ArrayList<>(addresses);
        if (!ips.contains("127.0.0.1")) {
            ips.add("127.0.0.1");
        }
        SelfSigned.Issued issued = SelfSigned.certificate(nodeName, ips);
        serve(issued.keys().getPrivate(), List.of(issued.certificate()));
    }

    private void loadFiles() throws IOException {
        List<FileTime> times = modified();
        serve(privateKey(keyFile.get()), CertificateRequests.chain(Files.readAllBytes(certificateFile.get())));
        seen = times;
    }

    /** A PEM private key: PKCS#8, or PKCS#1 (RSA) and SEC1 (EC) as OpenSSL writes them. */
    static PrivateKey privateKey(Path file) throws IOException {
        try (org.bouncycastle.openssl.PEMParser parser = new org.bouncycastle.openssl.PEMParser(
                Files.newBufferedReader(file, java.nio.charset.StandardCharsets.US_ASCII))) {
            org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter converter =
                    new org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter();
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                if (object instanceof org.bouncycastle.openssl.PEMKeyPair pair) {
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
                if (object instanceof org.bouncycastle.asn1.pkcs.PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
            }
        }
        throw new IOException("no private key in " + file);
    }

    private List<FileTime> modified() throws IOException {
        return List.of(Files.getLastModifiedTime(certificateFile.get()), Files.getLastModifiedTime(keyFile.get()));
    }

    private void reloadIfChanged() {
        try {
            if (modified().equals(seen)) {
                return;
            }
            loadFiles();
            LOG.info("serving certificate reloaded from {} (serial {}, valid until {})", certificateFile.get(),
                    serving.getSerialNumber().toString(16), serving.getNotAfter().toInstant());
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot reload the serving certificate from {} and {}; serving the previous one: {}",
                    certificateFile.get(), keyFile.get(), e.toString());
            try {
                seen = modified(); // tried this version: wait for the next change
            } catch (IOException missing) {
                LOG.debug("serving certificate files unreadable: {}", missing.toString());
            }
        }
    }

    private void requestCertificate() {
        try {
            KeyPair keys = CertificateRequests.newKey();
            LOG.info("requesting a serving certificate for node {} from the cluster (signer"
                    + " kubernetes.io/kubelet-serving); it is served once approved and issued", nodeName);
            byte[] issued = signer.get().sign(CertificateRequests.servingRequest(keys, nodeName, addresses));
            Instant received = Instant.now();
            List<X509Certificate> chain = CertificateRequests.chain(issued);
            serve(keys.getPrivate(), chain);
            Instant expires = chain.get(0).getNotAfter().toInstant();
            Duration wait = Duration.between(received, expires).multipliedBy(8).dividedBy(10);
            if (wait.isNegative()) {
                wait = Duration.ZERO;
            }
            LOG.info("serving the certificate the cluster issued for node {} (serial {}, valid until {}); renewing in"
                    + " {} s", nodeName, chain.get(0).getSerialNumber().toString(16), expires, wait.toSeconds());
            retry = RETRY_FIRST;
            scheduler.schedule(this::requestCertificate, Math.max(wait.toMillis(), 1000), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("cannot get a serving certificate from the cluster (retrying in {} s; serving the current one"
                    + " meanwhile): {}", retry.toSeconds(), e.getMessage());
            scheduler.schedule(this::requestCertificate, retry.toMillis(), TimeUnit.MILLISECONDS);
            retry = retry.multipliedBy(2).compareTo(RETRY_MAX) > 0 ? RETRY_MAX : retry.multipliedBy(2);
        }
    }

    private void serve(PrivateKey key, List<X509Certificate> chain) throws SSLException {
        current = configure(SslContextBuilder.forServer(key, chain.toArray(X509Certificate[]::new)));
        serving = chain.get(0);
    }

    private SslContext configure(SslContextBuilder builder) throws SSLException {
        if (options.clientCa().isPresent()) {
            builder.trustManager(options.clientCa().get().toFile()).clientAuth(ClientAuth.OPTIONAL);
        } else {
            builder.clientAuth(ClientAuth.NONE);
        }
        builder.protocols(options.minVersion().equals("VersionTLS13") ? new String[] {"TLSv1.3"}
                : new String[] {"TLSv1.3", "TLSv1.2"});
        if (!options.cipherSuites().isEmpty()) {
            List<String> suites = new ArrayList<>(TLS13_SUITES);
            suites.addAll(options.cipherSuites());
            builder.ciphers(suites);
        }
        return builder.build();
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }
}
