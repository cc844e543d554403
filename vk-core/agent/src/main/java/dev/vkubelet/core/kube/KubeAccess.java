package dev.vkubelet.core.kube;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/** How the node agent reaches the API server: through a kubeconfig file, or as a pod's service account. */
public sealed interface KubeAccess {

    /** Where a pod's service account credentials are mounted. */
    Path SERVICE_ACCOUNT_DIR = Path.of("/var/run/secrets/kubernetes.io/serviceaccount");

    /** The API server, user and CA named by a kubeconfig file. */
    record Kubeconfig(Path file) implements KubeAccess {
        public Kubeconfig {
            Objects.requireNonNull(file, "file");
        }

        @Override
        public String describe() {
            return "kubeconfig " + file;
        }
    }

    /**
     * Inside a cluster: the API server at {@code https://host:port} (the {@code KUBERNETES_SERVICE_*}
     * variables), authenticated by the service account token in {@code tokenFile} (read again as it
     * rotates) and trusted through {@code caFile}.
     */
    record InCluster(String host, int port, Path tokenFile, Path caFile) implements KubeAccess {
        public InCluster {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(tokenFile, "tokenFile");
            Objects.requireNonNull(caFile, "caFile");
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port " + port + " is out of range");
            }
        }

        /** The API server's URL (IPv6 hosts in brackets). */
        public String url() {
            return "https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }

        @Override
        public String describe() {
            return "in-cluster " + url() + " (token " + tokenFile + ")";
        }

        /**
         * The in-cluster access the environment describes: {@code KUBERNETES_SERVICE_HOST} and
         * {@code KUBERNETES_SERVICE_PORT}, with {@code token} and {@code ca.crt} in
         * {@code serviceAccountDir}.
         *
         * @throws IllegalArgumentException naming what is missing or malformed
         */
        public static InCluster fromEnvironment(Map<String, String> env, Path serviceAccountDir) {
            String host = env.get("KUBERNETES_SERVICE_HOST");
            String port = env.get("KUBERNETES_SERVICE_PORT");
            if (host == null || host.isBlank() || port == null || port.isBlank()) {
                throw new IllegalArgumentException("no kubeconfig (--kubeconfig, KUBECONFIG, ~/.kube/config) and not "
                        + "inside a cluster (KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not both set)");
            }
            int portNumber;
            try {
                portNumber = Integer.parseInt(port.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("KUBERNETES_SERVICE_PORT '" + port + "' is not a port number");
            }
            if (portNumber < 1 || portNumber > 65535) {
                throw new IllegalArgumentException("KUBERNETES_SERVICE_PORT '" + port + "' is not a port number");
            }
            Path token = serviceAccountDir.resolve("token");
            Path ca = serviceAccountDir.resolve("ca.crt");
            for (Path file : new Path[] {token, ca}) {
                if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                    throw new IllegalArgumentException("in-cluster configuration needs the service account's "
                            + file.getFileName() + ", but " + file + " does not exist or is not readable (mount the"
                            + " service account token, or point --service-account-dir elsewhere)");
                }
            }
            return new InCluster(host.trim(), portNumber, token, ca);
        }
    }

    /** One line for logs: which API server, and how. */
    String describe();
}
