package dev.vkubelet.core.controlplane;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A certificate authority and the certificates the control plane and its clients need. */
public final class Pki {

    private static final Duration VALIDITY = Duration.ofDays(365);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A key pair and its certificate. */
    public record Issued(KeyPair keys, X509Certificate certificate) {

        /** The certificate in PEM. */
        public String certificatePem() {
            return pem(certificate);
        }

        /** The private key in PEM. */
        public String privateKeyPem() {
            return pem(keys.getPrivate());
        }

        /** Writes {@code <name>.crt} and {@code <name>.key} into {@code dir}. */
        public void write(Path dir, String name) throws IOException {
            Files.writeString(dir.resolve(name + ".crt"), certificatePem());
            Files.writeString(dir.resolve(name + ".key"), privateKeyPem());
        }
    }

    /** The kind of key a CA and the certificates it issues have. */
    public enum KeyType {
        /** RSA 2048 with SHA-256 signatures: what the control plane's components are used to. */
        RSA,
        /** ECDSA on P-256 with SHA-256: made in milliseconds, where an RSA key takes a random 0.1 to 1 s. */
        EC
    }

    private final Issued ca;
    private final KeyType keyType;

    private Pki(Issued ca, KeyType keyType) {
        this.ca = ca;
        this.keyType = keyType;
    }

    /** A new self-signed CA with RSA keys. */
    public static Pki newCa(String commonName) {
        return newCa(commonName, KeyType.RSA);
    }

    /** A new self-signed CA whose keys, and the keys of what it issues, are of {@code type}. */
    public static Pki newCa(String commonName, KeyType type) {
        KeyPair keys = keys(type);
        X500Name name = name(commonName, List.of());
        try {
            X509v3CertificateBuilder builder = builder(name, name, keys);
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createSubjectKeyIdentifier(keys.getPublic()));
            return new Pki(new Issued(keys, sign(builder, keys.getPrivate())), type);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot create CA", e);
        }
    }

    /** The CA itself. */
    public Issued ca() {
        return ca;
    }

    /** A server certificate for the given DNS names and IP addresses. */
    public Issued server(String commonName, List<String> dnsNames, List<String> ipAddresses) {
        List<GeneralName> sans = new ArrayList<>();
        dnsNames.forEach(d -> sans.add(new GeneralName(GeneralName.dNSName, d)));
        ipAddresses.forEach(ip -> sans.add(new GeneralName(GeneralName.iPAddress, ip)));
        return issue(commonName, List.of(), KeyPurposeId.id_kp_serverAuth, sans);
    }

    /** A client certificate: user {@code commonName} in groups {@code organizations}. */
    public Issued client(String commonName, List<String> organizations) {
        return issue(commonName, organizations, KeyPurposeId.id_kp_clientAuth, List.of());
    }

    private Issued issue(String commonName, List<String> organizations, KeyPurposeId purpose, List<GeneralName> sans) {
        KeyPair keys = keys(keyType);
        try {
            X500Name issuer = X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded());
            X509v3CertificateBuilder builder = builder(issuer, name(commonName, organizations), keys);
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(keyType == KeyType.RSA
                    ? KeyUsage.digitalSignature | KeyUsage.keyEncipherment : KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca.certificate()));
            if (!sans.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(sans.toArray(GeneralName[]::new)));
            }
            return new Issued(keys, sign(builder, ca.keys().getPrivate()));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot issue certificate for " + commonName, e);
        }
    }

    /** A bare RSA key pair (service-account signing). */
    public static KeyPair rsa() {
        return keys(KeyType.RSA);
    }

    private static KeyPair keys(KeyType type) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(type == KeyType.RSA ? "RSA" : "EC");
            if (type == KeyType.RSA) {
                generator.initialize(2048, RANDOM);
            } else {
                generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An object (certificate, key, public key) in PEM. */
    public static String pem(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static X500Name name(String commonName, List<String> organizations) {
        X500NameBuilder builder = new X500NameBuilder(BCStyle.INSTANCE);
        organizations.forEach(o -> builder.addRDN(BCStyle.O, o));
        builder.addRDN(BCStyle.CN, commonName);
        return builder.build();
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, RANDOM).abs().add(BigInteger.ONE),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), subject, keys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
            throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("RSA".equals(key.getAlgorithm()) ? "SHA256withRSA"
                            : "SHA256withECDSA").build(key)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }
}
