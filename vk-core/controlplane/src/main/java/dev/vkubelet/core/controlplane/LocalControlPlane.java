package dev.vkubelet.core.controlplane;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.RbacAuthorizationV1Api;
import io.kubernetes.client.openapi.models.RbacV1Subject;
import io.kubernetes.client.openapi.models.V1ClusterRole;
import io.kubernetes.client.openapi.models.V1ClusterRoleBinding;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1PolicyRule;
import io.kubernetes.client.openapi.models.V1RoleRef;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Reader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcd and kube-apiserver (and optionally kube-controller-manager and kube-scheduler) on loopback,
 * on free ports, with data and PKI in a temporary directory. {@link #close()} stops the processes
 * and deletes the directory; a JVM shutdown hook does the same on Ctrl-C or SIGTERM, and
 * {@link #start} first removes what a killed JVM left behind.
 *
 * <p>Authorization is {@code Node,RBAC} with the {@code NodeRestriction} admission plugin, as in a
 * production cluster. Node identities ({@link #nodeKubeconfig(String)}) are client certificates for
 * {@code system:node:<name>} in group {@code system:nodes}: the Node authorizer gives them what a
 * kubelet may do, and no more (a Secret or ConfigMap only when a pod bound to the node refers to
 * it). The ClusterRole {@value #NODE_ROLE} holds what a virtual kubelet running under another
 * identity (a service account) needs; it is created, bound to nobody.
 */
public final class LocalControlPlane implements AutoCloseable {

    /** The ClusterRole a node agent under a service account needs (the manifests' rules); bound to nobody here. */
    public static final String NODE_ROLE = "virtual-kubelet:node";

    private static final Logger LOG = LoggerFactory.getLogger(LocalControlPlane.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    /**
     * What to run beside etcd and kube-apiserver, and extra flags of kube-apiserver and
     * kube-controller-manager (later ones win).
     */
    public record Options(boolean controllerManager, boolean scheduler, List<String> apiServerFlags,
            List<String> controllerManagerFlags) {

        public Options {
            apiServerFlags = List.copyOf(apiServerFlags);
            controllerManagerFlags = List.copyOf(controllerManagerFlags);
        }

        public Options(boolean controllerManager, boolean scheduler, List<String> apiServerFlags) {
            this(controllerManager, scheduler, apiServerFlags, List.of());
        }

        /** etcd and kube-apiserver only: what the tests need (the ServiceAccount admission is off). */
        public static Options apiServerOnly() {
            return new Options(false, false, List.of());
        }

        /** Everything: Deployments get pods, pods without a node get scheduled. */
        public static Options full() {
            return new Options(true, true, List.of());
        }

        /** The same with these kube-apiserver flags added, e.g. {@code --max-requests-inflight=2}. */
        public Options withApiServerFlags(String... flags) {
            List<String> all = new ArrayList<>(apiServerFlags);
            all.addAll(List.of(flags));
            return new Options(controllerManager, scheduler, all, controllerManagerFlags);
        }

        /** The same with kube-controller-manager running, with these flags added. */
        public Options withControllerManager(String... flags) {
            List<String> all = new ArrayList<>(controllerManagerFlags);
            all.addAll(List.of(flags));
            return new Options(true, scheduler, apiServerFlags, all);
        }
    }

    private final ControlPlaneAssets assets;
    private final Options options;
    private final Path dir;
    private final Pki pki;
    private final int apiPort;
    private final List<ManagedProcess> processes = new ArrayList<>();
    private final Map<String, Path> nodeKubeconfigs = new HashMap<>();
    private final Thread shutdownHook;
    private ManagedProcess apiServer;
    private ApiClient adminClient;
    private String etcdUrl;
    private boolean closed;

    private LocalControlPlane(ControlPlaneAssets assets, Options options, Path dir, Pki pki, int apiPort) {
        this.assets = assets;
        this.options = options;
        this.dir = dir;
        this.pki = pki;
        this.apiPort = apiPort;
        this.shutdownHook = new Thread(this::close, "local-control-plane-shutdown");
    }

    /** Starts a control plane and returns once the API server is ready and node RBAC is in place. */
    public static LocalControlPlane start(ControlPlaneAssets assets, Options options)
            throws IOException, InterruptedException {
        Objects.requireNonNull(assets, "assets");
        Objects.requireNonNull(options, "options");
        reapOrphans();
        Path dir = baseDir().resolve(ProcessHandle.current().pid() + "-" + INSTANCES.incrementAndGet());
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("owner"), Long.toString(ProcessHandle.current().pid()));
        LocalControlPlane plane = new LocalControlPlane(assets, options, dir, Pki.newCa("vk-local-ca"), freePort());
        Runtime.getRuntime().addShutdownHook(plane.shutdownHook);
        try {
            plane.boot();
            return plane;
        } catch (IOException | InterruptedException | RuntimeException e) {
            plane.close();
            throw e;
        }
    }

    private static Path baseDir() {
        Path shm = Path.of("/dev/shm");
        Path root = Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
        return root.resolve("vk-control-plane");
    }

    /**
     * Kills control plane processes and removes directories left by JVMs that died without cleaning
     * up (SIGKILL, a crash). {@link #start} calls it first; it leaves live JVMs' planes alone.
     */
    public static void reapOrphans() throws IOException {
        Path base = baseDir();
        if (!Files.isDirectory(base)) {
            return;
        }
        try (Stream<Path> dirs = Files.list(base)) {
            for (Path dir : dirs.toList()) {
                Path owner = dir.resolve("owner");
                long pid;
                try {
                    pid = Long.parseLong(Files.readString(owner).trim());
                } catch (IOException | NumberFormatException e) {
                    continue;
                }
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                Path pids = dir.resolve("pids");
                if (Files.exists(pids)) {
                    for (String line : Files.readAllLines(pids)) {
                        String[] parts = line.trim().split(" ");
                        if (parts.length == 2) {
                            ProcessHandle.of(Long.parseLong(parts[1])).ifPresent(p -> {
                                LOG.warn("killing {} (pid {}) left by a JVM that died", parts[0], p.pid());
                                p.destroyForcibly();
                            });
                        }
                    }
                }
                deleteTree(dir);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private void boot() throws IOException, InterruptedException {
        Path pkiDir = Files.createDirectories(dir.resolve("pki"));
        pki.ca().write(pkiDir, "ca");
        pki.server("kube-apiserver", List.of("localhost", "kubernetes", "kubernetes.default",
                "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"), List.of("127.0.0.1", "10.0.0.1"))
                .write(pkiDir, "apiserver");
        pki.client("kube-apiserver-kubelet-client", List.of("system:masters")).write(pkiDir, "apiserver-kubelet-client");
        Pki.Issued admin = pki.client("admin", List.of("system:masters"));
        java.security.KeyPair sa = Pki.rsa();
        Files.writeString(pkiDir.resolve("sa.key"), Pki.pem(sa.getPrivate()));
        Files.writeString(pkiDir.resolve("sa.pub"), Pki.pem(sa.getPublic()));
        writeKubeconfig(dir.resolve("admin.kubeconfig"), "admin", admin);

        int etcdPort = freePort();
        int peerPort = freePort();
        etcdUrl = "http://127.0.0.1:" + etcdPort;
        ManagedProcess etcd = new ManagedProcess("etcd", List.of(
                assets.dir().resolve("etcd").toString(),
                "--name=default",
                "--data-dir=" + dir.resolve("etcd-data"),
                "--listen-client-urls=http://127.0.0.1:" + etcdPort,
                "--advertise-client-urls=http://127.0.0.1:" + etcdPort,
                "--listen-peer-urls=http://127.0.0.1:" + peerPort,
                "--initial-advertise-peer-urls=http://127.0.0.1:" + peerPort,
                "--initial-cluster=default=http://127.0.0.1:" + peerPort,
                "--quota-backend-bytes=" + (4L << 30), // room for 100,000-pod benches (the default is 2 GiB)
                "--log-level=warn"), dir.resolve("etcd.log"));
        launch(etcd);

        List<String> api = new ArrayList<>(List.of(
                assets.dir().resolve("kube-apiserver").toString(),
                "--etcd-servers=http://127.0.0.1:" + etcdPort,
                "--bind-address=127.0.0.1",
                "--advertise-address=127.0.0.1",
                "--secure-port=" + apiPort,
                "--insecure-port=0",
                "--cert-dir=" + dir.resolve("apiserver-certs"),
                "--tls-cert-file=" + pkiDir.resolve("apiserver.crt"),
                "--tls-private-key-file=" + pkiDir.resolve("apiserver.key"),
                "--client-ca-file=" + pkiDir.resolve("ca.crt"),
                "--service-account-key-file=" + pkiDir.resolve("sa.pub"),
                "--service-account-signing-key-file=" + pkiDir.resolve("sa.key"),
                "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
                "--service-cluster-ip-range=10.0.0.0/24",
                "--authorization-mode=Node,RBAC",
                "--enable-admission-plugins=NodeRestriction",
                "--allow-privileged=true",
                "--kubelet-client-certificate=" + pkiDir.resolve("apiserver-kubelet-client.crt"),
                "--kubelet-client-key=" + pkiDir.resolve("apiserver-kubelet-client.key"),
                "--kubelet-preferred-address-types=InternalIP,Hostname,ExternalIP",
                "--enable-priority-and-fairness=false",
                "--profiling=false",
                "--v=1"));
        if (!options.controllerManager()) {
            api.add("--disable-admission-plugins=ServiceAccount");
        }
        api.addAll(options.apiServerFlags());
        apiServer = new ManagedProcess("kube-apiserver", api, dir.resolve("kube-apiserver.log"));
        launch(apiServer);
        awaitReady();
        adminClient = clientFor(dir.resolve("admin.kubeconfig"));
        awaitNamespace("kube-node-lease");
        createNodeRole();

        if (options.controllerManager()) {
            List<String> flags = new ArrayList<>(List.of(
                    "--service-account-private-key-file=" + pkiDir.resolve("sa.key"),
                    "--root-ca-file=" + pkiDir.resolve("ca.crt"),
                    "--cluster-signing-cert-file=" + pkiDir.resolve("ca.crt"),
                    "--cluster-signing-key-file=" + pkiDir.resolve("ca.key")));
            flags.addAll(options.controllerManagerFlags());
            launchController("kube-controller-manager", flags.toArray(String[]::new));
        }
        if (options.scheduler()) {
            launchController("kube-scheduler");
        }
        LOG.info("local control plane ready at {} (data in {})", serverUrl(), dir);
    }

    /** The {@code kubectl} to reach this control plane with ({@link ControlPlaneAssets#kubectl}). */
    public Path kubectl() {
        return assets.kubectl(System.getenv());
    }

    /** Starts a component that talks to the API server as admin, serves nothing, and does not elect a leader. */
    private void launchController(String name, String... extraArgs) throws IOException {
        Path binary = assets.binary(name).orElseThrow(() -> new IllegalStateException(
                "no " + name + " in " + assets.dir() + "; run " + ControlPlaneAssets.INSTALL_SCRIPT));
        String kubeconfig = dir.resolve("admin.kubeconfig").toString();
        List<String> command = new ArrayList<>(List.of(binary.toString(),
                "--kubeconfig=" + kubeconfig,
                "--authentication-kubeconfig=" + kubeconfig,
                "--authorization-kubeconfig=" + kubeconfig,
                "--leader-elect=false",
                "--bind-address=127.0.0.1",
                "--secure-port=0",
                "--port=0",
                "--v=1"));
        command.addAll(List.of(extraArgs));
        launch(new ManagedProcess(name, command, dir.resolve(name + ".log")));
    }

    private void launch(ManagedProcess process) throws IOException {
        long pid = process.start();
        synchronized (this) {
            if (!processes.contains(process)) {
                processes.add(process);
            }
        }
        Files.writeString(dir.resolve("pids"), process.name() + " " + pid + "\n",
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }

    private void awaitReady() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().sslContext(trustingCa()).connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(serverUrl() + "/readyz"))
                .timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        String last = "no answer";
        while (System.nanoTime() - deadline < 0) {
            for (ManagedProcess p : processes) {
                if (!p.alive()) {
                    throw new IOException(p.describeExit());
                }
            }
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
                last = "HTTP " + response.statusCode() + ": " + response.body();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(200);
        }
        throw new IOException("kube-apiserver not ready within " + READY_TIMEOUT + " (" + last + "); log ends with:\n"
                + apiServer.tail());
    }

    private void awaitNamespace(String name) throws IOException, InterruptedException {
        CoreV1Api core = new CoreV1Api(adminClient);
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (true) {
            try {
                core.readNamespace(name).execute();
                return;
            } catch (ApiException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IOException("namespace " + name + " did not appear: HTTP " + e.getCode(), e);
                }
                Thread.sleep(100);
            }
        }
    }

    /**
     * What the node agent calls, and nothing more; the same rules as the ClusterRole of the
     * distribution's Kubernetes manifests (a test compares them).
     */
    public static List<V1PolicyRule> nodeRules() {
        return List.of(
                rule("", List.of("pods"), List.of("get", "list", "watch", "delete")),
                rule("", List.of("pods/status"), List.of("update")),
                rule("", List.of("nodes"), List.of("get", "list", "watch", "create", "patch", "delete")),
                rule("", List.of("nodes/status"), List.of("update")),
                rule("", List.of("configmaps", "secrets"), List.of("get")),
                rule("", List.of("services"), List.of("list", "watch")),
                rule("", List.of("events"), List.of("create", "patch")),
                rule("coordination.k8s.io", List.of("leases"), List.of("get", "list", "create", "update", "delete")),
                rule("authentication.k8s.io", List.of("tokenreviews"), List.of("create")),
                rule("authorization.k8s.io", List.of("subjectaccessreviews"), List.of("create")));
    }

    private void createNodeRole() throws IOException {
        RbacAuthorizationV1Api rbac = new RbacAuthorizationV1Api(adminClient);
        V1ClusterRole role = new V1ClusterRole().metadata(new V1ObjectMeta().name(NODE_ROLE)).rules(nodeRules());
        try {
            rbac.createClusterRole(role).execute();
        } catch (ApiException e) {
            throw new IOException("cannot create the node agent's ClusterRole: HTTP " + e.getCode() + " "
                    + e.getResponseBody(), e);
        }
    }

    private static V1PolicyRule rule(String group, List<String> resources, List<String> verbs) {
        return new V1PolicyRule().apiGroups(List.of(group)).resources(resources).verbs(verbs);
    }

    private SSLContext trustingCa() throws IOException {
        try {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(
                    new ByteArrayInputStream(pki.ca().certificatePem().getBytes(StandardCharsets.US_ASCII))));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    private void writeKubeconfig(Path file, String user, Pki.Issued credentials) throws IOException {
        Base64.Encoder b64 = Base64.getEncoder();
        String text = """
                apiVersion: v1
                kind: Config
                clusters:
                - name: vk-local
                  cluster:
                    server: %s
                    certificate-authority-data: %s
                users:
                - name: %s
                  user:
                    client-certificate-data: %s
                    client-key-data: %s
                contexts:
                - name: vk-local
                  context:
                    cluster: vk-local
                    user: %s
                current-context: vk-local
                """.formatted(serverUrl(),
                b64.encodeToString(pki.ca().certificatePem().getBytes(StandardCharsets.US_ASCII)),
                user,
                b64.encodeToString(credentials.certificatePem().getBytes(StandardCharsets.US_ASCII)),
                b64.encodeToString(credentials.privateKeyPem().getBytes(StandardCharsets.US_ASCII)),
                user);
        Files.writeString(file, text);
    }

    /** A new client for a kubeconfig file. */
    public static ApiClient clientFor(Path kubeconfig) throws IOException {
        try (Reader reader = Files.newBufferedReader(kubeconfig)) {
            KubeConfig config = KubeConfig.loadKubeConfig(reader);
            config.setFile(kubeconfig.toFile());
            return ClientBuilder.kubeconfig(config).build();
        }
    }

    /** The API server's URL, {@code https://127.0.0.1:<port>}. */
    public String serverUrl() {
        return "https://127.0.0.1:" + apiPort;
    }

    /** etcd's client URL (plain HTTP on loopback; its JSON gateway serves {@code /v3/...}). */
    public String etcdUrl() {
        return etcdUrl;
    }

    /** The kubeconfig of a cluster admin ({@code system:masters}). */
    public Path adminKubeconfig() {
        return dir.resolve("admin.kubeconfig");
    }

    /** A shared admin client (do not change its settings). */
    public ApiClient adminClient() {
        return adminClient;
    }

    /**
     * A kubeconfig for {@code user}, bound to the ClusterRole {@value #NODE_ROLE}: an agent under an
     * identity that is not a node's, as with the manifests' service account.
     */
    public synchronized Path roleKubeconfig(String user) throws IOException {
        try {
            new RbacAuthorizationV1Api(adminClient).createClusterRoleBinding(new V1ClusterRoleBinding()
                    .metadata(new V1ObjectMeta().name(NODE_ROLE + ":" + user))
                    .roleRef(new V1RoleRef().apiGroup("rbac.authorization.k8s.io").kind("ClusterRole").name(NODE_ROLE))
                    .subjects(List.of(new RbacV1Subject().kind("User").apiGroup("rbac.authorization.k8s.io")
                            .name(user)))).execute();
        } catch (ApiException e) {
            if (e.getCode() != 409) {
                throw new IOException("cannot bind " + NODE_ROLE + " to " + user + ": HTTP " + e.getCode(), e);
            }
        }
        return userKubeconfig(user, List.of());
    }

    /**
     * The identity an agent serving {@code nodeCount} nodes named from {@code nodeName} runs under:
     * one node's own ({@link #nodeKubeconfig}), as a kubelet has; for several, {@code user} bound to
     * the manifests' role ({@link #roleKubeconfig}), since a node's certificate acts for that node only.
     */
    public Path agentKubeconfig(String nodeName, int nodeCount, String user) throws IOException {
        return nodeCount == 1 ? nodeKubeconfig(nodeName) : roleKubeconfig(user);
    }

    /** A kubeconfig with a client certificate for {@code user} in {@code groups} (no role bound to it). */
    public synchronized Path userKubeconfig(String user, List<String> groups) throws IOException {
        Path file = dir.resolve("user-" + user.replaceAll("[^A-Za-z0-9.-]", "_") + ".kubeconfig");
        writeKubeconfig(file, user, pki.client(user, groups));
        return file;
    }

    /** The kubeconfig of node {@code nodeName}: user {@code system:node:<name>} in {@code system:nodes}. */
    public synchronized Path nodeKubeconfig(String nodeName) throws IOException {
        Path existing = nodeKubeconfigs.get(nodeName);
        if (existing != null) {
            return existing;
        }
        Path file = dir.resolve("node-" + nodeName + ".kubeconfig");
        String user = "system:node:" + nodeName;
        writeKubeconfig(file, user, pki.client(user, List.of("system:nodes")));
        nodeKubeconfigs.put(nodeName, file);
        return file;
    }

    /** The CA certificate file (PEM): it signed the API server's, the admin's, nodes' and the API server's kubelet client certificates. */
    public Path caCertificate() {
        return dir.resolve("pki").resolve("ca.crt");
    }

    /** The certificate authority that signed the API server's and clients' certificates. */
    public Pki pki() {
        return pki;
    }

    /** The directory holding data, PKI, kubeconfigs and process logs. */
    public Path dir() {
        return dir;
    }

    /** Stops the API server process. Clients fail until {@link #startApiServer()}. */
    public void stopApiServer() {
        apiServer.stop(10);
    }

    /** Starts the API server again, on the same port and etcd data, and waits until it is ready. */
    public void startApiServer() throws IOException, InterruptedException {
        launch(apiServer);
        awaitReady();
    }

    /**
     * Leaves stopping on JVM shutdown to the caller, who then must {@link #close()} the plane itself
     * (so that, in local mode, the node agent stops before the API server it talks to).
     */
    public void detachShutdownHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // too late: the hook runs already
        }
    }

    /** Stops every process and deletes the directory. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        List<ManagedProcess> reversed = new ArrayList<>(processes);
        java.util.Collections.reverse(reversed);
        for (ManagedProcess p : reversed) {
            p.stop(5);
        }
        try {
            deleteTree(dir);
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", dir, e.getMessage());
        }
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs or ran already
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
