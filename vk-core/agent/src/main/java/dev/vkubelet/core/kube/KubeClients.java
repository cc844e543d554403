package dev.vkubelet.core.kube;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import io.kubernetes.client.util.credentials.TokenFileAuthentication;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Finds and builds the {@link ApiClient}: an explicit kubeconfig, {@code $KUBECONFIG}, {@code ~/.kube/config}, or in-cluster. */
public final class KubeClients {

    private KubeClients() {}

    /**
     * The kubeconfig to use: {@code explicit} when given, else {@code $KUBECONFIG} (its first
     * entry), else {@code ~/.kube/config} when it exists; empty means in-cluster.
     */
    public static Optional<Path> resolveKubeconfig(Optional<Path> explicit, Map<String, String> env, Path home) {
        if (explicit.isPresent()) {
            return explicit;
        }
        String fromEnv = env.get("KUBECONFIG");
        if (fromEnv != null && !fromEnv.isBlank()) {
            String first = fromEnv.split(java.io.File.pathSeparator)[0];
            return Optional.of(Path.of(first));
        }
        Path dflt = home.resolve(".kube").resolve("config");
        return Files.isRegularFile(dflt) ? Optional.of(dflt) : Optional.empty();
    }

    /** A client for {@code access}. Read timeout {@code readTimeout} (zero: none). */
    public static ApiClient build(KubeAccess access, Duration readTimeout) throws IOException {
        ApiClient client = access instanceof KubeAccess.Kubeconfig k ? fromKubeconfig(k.file())
                : inCluster((KubeAccess.InCluster) access);
        client.setReadTimeout((int) readTimeout.toMillis());
        return client;
    }

    private static ApiClient fromKubeconfig(Path file) throws IOException {
        if (!Files.isReadable(file)) {
            throw new IOException("kubeconfig " + file + " does not exist or is not readable");
        }
        try (Reader reader = Files.newBufferedReader(file)) {
            KubeConfig config = KubeConfig.loadKubeConfig(reader);
            config.setFile(file.toFile());
            return ClientBuilder.kubeconfig(config).build();
        } catch (ClassCastException | NullPointerException e) {
            throw new IOException("kubeconfig " + file + " is not a kubeconfig file (YAML with clusters, users"
                    + " and contexts)", e);
        } catch (RuntimeException e) {
            throw new IOException("kubeconfig " + file + " is not usable: " + e.getMessage(), e);
        }
    }

    private static ApiClient inCluster(KubeAccess.InCluster access) throws IOException {
        byte[] ca;
        try {
            ca = Files.readAllBytes(access.caFile());
        } catch (IOException e) {
            throw new IOException("cannot read the service account CA " + access.caFile() + ": " + e.getMessage(), e);
        }
        try {
            return new ClientBuilder().setBasePath(access.url()).setVerifyingSsl(true).setCertificateAuthority(ca)
                    .setAuthentication(new TokenFileAuthentication(access.tokenFile().toString())).build();
        } catch (RuntimeException e) {
            throw new IOException("in-cluster configuration is not usable: " + e.getMessage(), e);
        }
    }
}
