package dev.vkubelet.core.kubeletapi;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * A kubelet serving certificate's key and PKCS#10 request: P-256, subject
 * {@code O=system:nodes, CN=system:node:<name>}, the node name and addresses as subject alternative
 * names, as signer {@code kubernetes.io/kubelet-serving} requires.
 */
final class CertificateRequests {

    private static final SecureRandom RANDOM = new SecureRandom();

    private CertificateRequests() {}

    /** A new P-256 key pair. */
    static KeyPair newKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot make P-256 keys", e);
        }
    }

    /** The PEM request for {@code nodeName}'s serving certificate with {@code keys}. */
    static byte[] servingRequest(KeyPair keys, String nodeName, List<String> addresses) {
        try {
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "system:nodes")
                    .addRDN(BCStyle.CN, "system:node:" + nodeName).build();
            List<GeneralName> names = new ArrayList<>();
            names.add(new GeneralName(GeneralName.dNSName, nodeName));
            for (String address : addresses) {
                names.add(new GeneralName(GeneralName.iPAddress, InetAddress.getByName(address).getHostAddress()));
            }
            ExtensionsGenerator extensions = new ExtensionsGenerator();
            extensions.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(names.toArray(GeneralName[]::new)));
            byte[] der = new JcaPKCS10CertificationRequestBuilder(subject, keys.getPublic())
                    .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())).getEncoded();
            return ("-----BEGIN CERTIFICATE REQUEST-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'})
                    .encodeToString(der) + "\n-----END CERTIFICATE REQUEST-----\n").getBytes(StandardCharsets.US_ASCII);
        } catch (IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot build the serving certificate request: " + e.getMessage(), e);
        }
    }

    /** The certificates of a PEM chain, leaf first. */
    static List<X509Certificate> chain(byte[] pem) {
        try {
            List<X509Certificate> chain = new ArrayList<>();
            CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem))
                    .forEach(c -> chain.add((X509Certificate) c));
            if (chain.isEmpty()) {
                throw new IllegalArgumentException("no certificate in the issued PEM");
            }
            return chain;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the issued certificate is unreadable: " + e.getMessage(), e);
        }
    }
}
