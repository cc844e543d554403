package dev.vkubelet.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vkubelet.core.controlplane.ControlPlaneAssets;
import dev.vkubelet.core.controlplane.LocalControlPlane;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.RbacAuthorizationV1Api;
import io.kubernetes.client.openapi.models.AuthenticationV1TokenRequest;
import io.kubernetes.client.openapi.models.RbacV1Subject;
import io.kubernetes.client.openapi.models.V1ClusterRole;
import io.kubernetes.client.openapi.models.V1ClusterRoleBinding;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1PolicyRule;
import io.kubernetes.client.openapi.models.V1Probe;
import io.kubernetes.client.openapi.models.V1RoleRef;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.openapi.models.V1TokenRequestSpec;
import io.kubernetes.client.util.Yaml;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes manifests against a real API server: they apply (server-side dry run), and the
 * node agent started as their Deployment would start it (in-cluster configuration, the service
 * account's token) does its whole job with exactly the ClusterRole they define, and cannot with
 * any one of its rules left out.
 */
class DeploymentIT {

    private static final String NAMESPACE = "virtual-kubelet";

    /**
     * The first step that fails without each rule of the ClusterRole. The Deployment shares its
     * nodes between replicas (--share-nodes): a replica takes a node only once its pod watch has
     * synced (pods, services) and through a Lease (leases), so without those it never registers one.
     * Without nodes/status the node object is created, but registration ends with a status write, so
     * the agent never gets to its lease; without configmaps and secrets it cannot read the pod's
     * references, so it starts no pods.
     */
    private static final Map<String, NodeScenario.Step> NEEDED_FOR = Map.of(
            "pods", NodeScenario.Step.REGISTERS_NODE,
            "pods/status", NodeScenario.Step.RUNS_POD,
            "nodes", NodeScenario.Step.REGISTERS_NODE,
            "nodes/status", NodeScenario.Step.RENEWS_LEASE,
            "configmaps,secrets", NodeScenario.Step.RUNS_POD,
            "services", NodeScenario.Step.REGISTERS_NODE,
            "events", NodeScenario.Step.RECORDS_EVENTS,
            "leases", NodeScenario.Step.REGISTERS_NODE,
            "tokenreviews", NodeScenario.Step.ANSWERS_KUBELET_API,
            "subjectaccessreviews", NodeScenario.Step.ANSWERS_KUBELET_API);

    private static LocalControlPlane plane;
    private static Installation install;
    private static Path workDir;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        workDir = dir;
        plane = LocalControlPlane.start(ControlPlaneAssets.locate(System.getenv()),
                LocalControlPlane.Options.apiServerOnly());
        install = Installation.unpack(Files.createDirectories(dir.resolve("opt")));
    }

    @AfterAll
    static void stop() {
        if (plane != null) {
            plane.close();
        }
    }

    private static Path manifests(String which) {
        return install.home().resolve("deploy/kubernetes").resolve(which);
    }

    private static Processes.Result kubectl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(plane.kubectl().toString(), "--kubeconfig", plane.adminKubeconfig().toString()));
        command.addAll(List.of(args));
        return Processes.run(command, workDir, Map.of(), Duration.ofMinutes(2));
    }

    /**
     * The manifests of {@code which} as kustomize renders them, in a file kubectl can apply to the
     * local control plane: it is Kubernetes 1.20, which serves PodDisruptionBudgets as policy/v1beta1
     * only (policy/v1 came with 1.21, and the manifests are for current clusters); the fields the
     * budget uses (maxUnavailable, selector) are the same in both.
     */
    private static Path renderedFor120(String which) throws IOException, InterruptedException {
        String rendered = kustomize(which);
        String pdb = "apiVersion: policy/v1\nkind: PodDisruptionBudget";
        assertTrue(rendered.contains(pdb), which + " has no policy/v1 PodDisruptionBudget:\n" + rendered);
        return Files.writeString(Files.createTempFile(workDir, "rendered-", ".yaml"),
                rendered.replace(pdb, "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget"));
    }

    /**
     * {@code kubectl kustomize} of {@code which} with the control plane's kubectl. Its kustomize
     * (v2.0.3, of kubectl 1.20) takes a directory only under {@code bases}, which current ones
     * deprecate in favour of {@code resources}: the manifests say {@code resources}, and a copy given
     * to this kubectl says {@code bases}. Nothing else is changed.
     */
    private static String kustomize(String which) throws IOException, InterruptedException {
        Path copy = Files.createTempDirectory(workDir, "manifests-");
        Path from = manifests(".");
        try (var files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path to = copy.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(to);
                } else if (file.getFileName().toString().equals("kustomization.yaml")) {
                    Files.writeString(to, Files.readString(file).replace("resources:\n  - ../../base\n",
                            "bases:\n  - ../../base\n"));
                } else {
                    Files.copy(file, to);
                }
            }
        }
        Processes.Result rendered = kubectl("kustomize", copy.resolve(which).toString());
        assertEquals(0, rendered.exit(), which + ": " + rendered.text());
        return rendered.out();
    }

    @Test
    void theManifestsApplyWithServerSideDryRun() throws Exception {
        // A server-side dry run cannot put objects into a namespace it only pretends to create.
        Processes.Result namespace = kubectl("apply", "-f", manifests("base").resolve("namespace.yaml").toString());
        assertEquals(0, namespace.exit(), namespace.text());
        for (String which : List.of("base", "overlays/aws", "overlays/azure")) {
            Processes.Result applied = kubectl("apply", "--dry-run=server", "-f", renderedFor120(which).toString());
            assertEquals(0, applied.exit(), which + ": " + applied.text());
            for (String object : List.of("namespace/virtual-kubelet", "serviceaccount/virtual-kubelet",
                    "clusterrole.rbac.authorization.k8s.io/virtual-kubelet",
                    "clusterrolebinding.rbac.authorization.k8s.io/virtual-kubelet",
                    "configmap/virtual-kubelet-provider", "deployment.apps/virtual-kubelet",
                    "poddisruptionbudget.policy/virtual-kubelet")) {
                assertTrue(applied.out().contains(object + " created (server dry run)")
                        || applied.out().contains(object + " configured (server dry run)")
                        || applied.out().contains(object + " unchanged (server dry run)"),
                        which + " does not apply " + object + ":\n" + applied.text());
            }
        }
        for (String provider : List.of("aws", "azure")) {
            String rendered = kustomize("overlays/" + provider);
            V1ConfigMap config = ofType(objects(rendered), V1ConfigMap.class).get(0);
            assertEquals(provider, config.getData().get("provider"), "the provider the Deployment runs:\n" + rendered);
            assertTrue(config.getData().get("provider-config").contains(provider.equals("aws")
                    ? "subnets: [subnet-emulated]" : "resourceGroup:"), rendered);
            assertTrue(rendered.contains("- --provider\n        - $(VK_PROVIDER)\n"), rendered);
        }
    }

    @Test
    void theDeploymentRunsThreeReplicasThatShareTheNodesOnDifferentMachinesThroughDisruptions() throws Exception {
        List<Object> objects = rendered();
        V1Deployment deployment = ofType(objects, V1Deployment.class).get(0);
        assertEquals(3, deployment.getSpec().getReplicas());
        V1Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertTrue(container.getArgs().contains("--share-nodes"), container.getArgs().toString());
        assertTrue(container.getEnv().stream().anyMatch(e -> "POD_NAME".equals(e.getName()) && e.getValueFrom() != null
                && "metadata.name".equals(e.getValueFrom().getFieldRef().getFieldPath())),
                "each replica is named by its pod");
        assertTrue(container.getEnv().stream().anyMatch(e -> "DEFAULT_NODE_NAME".equals(e.getName())
                && e.getValue() != null), "every replica has the same node set");
        var terms = deployment.getSpec().getTemplate().getSpec().getAffinity().getPodAntiAffinity()
                .getPreferredDuringSchedulingIgnoredDuringExecution();
        assertEquals("kubernetes.io/hostname", terms.get(0).getPodAffinityTerm().getTopologyKey());
        assertEquals(deployment.getSpec().getSelector().getMatchLabels(),
                terms.get(0).getPodAffinityTerm().getLabelSelector().getMatchLabels());
        String rendered = kustomize("base");
        Map<?, ?> budget = null;
        for (Object document : new org.yaml.snakeyaml.Yaml().loadAll(rendered)) {
            if (document instanceof Map<?, ?> object && "PodDisruptionBudget".equals(object.get("kind"))) {
                budget = object;
            }
        }
        assertTrue(budget != null, "no PodDisruptionBudget in the base:\n" + rendered);
        assertEquals(1, ((Map<?, ?>) budget.get("spec")).get("maxUnavailable"));
        assertEquals(deployment.getSpec().getSelector().getMatchLabels(),
                ((Map<?, ?>) ((Map<?, ?>) budget.get("spec")).get("selector")).get("matchLabels"));
    }

    /** The rendered base manifests, as objects. */
    private static List<Object> rendered() throws IOException, InterruptedException {
        return objects(kustomize("base"));
    }

    /** Rendered manifests as objects, without the PodDisruptionBudget. */
    private static List<Object> objects(String rendered) throws IOException {
        // client-java's model classes have no PodDisruptionBudget of policy/v1 in this version
        String[] documents = rendered.split("(?m)^---$");
        return Yaml.loadAll(java.util.Arrays.stream(documents).filter(d -> !d.contains("kind: PodDisruptionBudget"))
                .collect(java.util.stream.Collectors.joining("---")));
    }

    private static <T> List<T> ofType(List<Object> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** One node agent started as the Deployment's pod would be, as service account {@code account}. */
    private record Agent(String label, String account, Process process, Path log, NodeScenario scenario) {}

    private static Agent startAgent(String label, String account, V1Deployment deployment,
            Map<String, V1ConfigMap> configMaps, String readerToken) throws Exception {
        String pod = "virtual-kubelet-" + label;
        Path dir = Files.createDirectories(workDir.resolve(pod));
        Path serviceAccount = Files.createDirectories(dir.resolve("serviceaccount"));
        Files.writeString(serviceAccount.resolve("token"), token(account));
        Files.copy(plane.caCertificate(), serviceAccount.resolve("ca.crt"));
        Files.writeString(serviceAccount.resolve("namespace"), NAMESPACE);
        PodCommandLine line = PodCommandLine.of(deployment, configMaps, pod, serviceAccount,
                URI.create(plane.serverUrl()).getPort(), dir);
        Map<String, String> env = new LinkedHashMap<>(line.env());
        // every agent here is a node set of its own (the Deployment's replicas share one)
        env.put("DEFAULT_NODE_NAME", pod);
        // Ten agents share this machine: any free kubelet port, no metrics port, smaller stacks, and no
        // class data sharing recording (each would write an archive as it exits; DistributionIT tests it).
        env.put("KUBELET_PORT", "0");
        env.put("JAVA_OPTS", env.getOrDefault("JAVA_OPTS", "") + " -Xss512k");
        env.put("VK_CDS", "off");
        List<String> command = new ArrayList<>();
        command.add(install.launcher().toString());
        command.addAll(line.args());
        command.add("--metrics-addr=");
        Path log = dir.resolve("agent.log");
        Process process = Processes.start(command, dir, env, log);
        V1Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        for (V1Probe probe : List.of(container.getReadinessProbe(), container.getLivenessProbe())) {
            // a replica that serves no node (a standby) has no kubelet port open, and is healthy
            assertEquals("metrics", probe.getHttpGet().getPort().getStrValue(), "the probes go to the metrics port");
            assertEquals("/healthz", probe.getHttpGet().getPath());
        }
        return new Agent(label, account, process, log, new NodeScenario(plane.adminClient(), plane.adminKubeconfig(),
                plane.kubectl(), pod, "scenario-" + label, readerToken, "/healthz"));
    }

    private static String token(String account) throws ApiException {
        return new CoreV1Api(plane.adminClient()).createNamespacedServiceAccountToken(account, NAMESPACE,
                new AuthenticationV1TokenRequest().spec(new V1TokenRequestSpec().audiences(List.of())
                        .expirationSeconds(3600L))).execute().getStatus().getToken();
    }

    /** A service account bound (only) to a ClusterRole with {@code rules}. */
    private static void account(String name, List<V1PolicyRule> rules) throws ApiException {
        new CoreV1Api(plane.adminClient()).createNamespacedServiceAccount(NAMESPACE,
                new V1ServiceAccount().metadata(new V1ObjectMeta().name(name))).execute();
        RbacAuthorizationV1Api rbac = new RbacAuthorizationV1Api(plane.adminClient());
        rbac.createClusterRole(new V1ClusterRole().metadata(new V1ObjectMeta().name("test:" + name)).rules(rules))
                .execute();
        rbac.createClusterRoleBinding(new V1ClusterRoleBinding().metadata(new V1ObjectMeta().name("test:" + name))
                .roleRef(new V1RoleRef().apiGroup("rbac.authorization.k8s.io").kind("ClusterRole").name("test:" + name))
                .subjects(List.of(new RbacV1Subject().kind("ServiceAccount").name(name).namespace(NAMESPACE))))
                .execute();
    }

    private static String describe(V1PolicyRule rule) {
        return rule.getApiGroups() + " " + rule.getResources() + " " + rule.getVerbs();
    }

    private static String ruleName(V1PolicyRule rule) {
        return String.join(",", rule.getResources());
    }

    @Test
    void theAgentRunsInClusterWithItsClusterRoleAndWithoutEachRule() throws Exception {
        Processes.Result applied = kubectl("apply", "-f", renderedFor120("base").toString());
        assertEquals(0, applied.exit(), applied.text());
        List<Object> objects = rendered();
        V1Deployment deployment = ofType(objects, V1Deployment.class).get(0);
        Map<String, V1ConfigMap> configMaps = new LinkedHashMap<>();
        ofType(objects, V1ConfigMap.class).forEach(c -> configMaps.put(c.getMetadata().getName(), c));
        V1ClusterRole role = ofType(objects, V1ClusterRole.class).get(0);
        assertEquals(LocalControlPlane.nodeRules().stream().map(DeploymentIT::describe).toList(),
                role.getRules().stream().map(DeploymentIT::describe).toList(),
                "the local control plane grants nodes other rules than the manifests");
        assertEquals(deployment.getSpec().getTemplate().getSpec().getServiceAccountName(),
                ofType(objects, V1ClusterRoleBinding.class).get(0).getSubjects().get(0).getName());

        account("kubelet-reader", List.of(new V1PolicyRule().apiGroups(List.of("")).resources(List.of("nodes/proxy",
                "nodes/log", "nodes/stats", "nodes/metrics")).verbs(List.of("get"))));
        String readerToken = token("kubelet-reader");

        List<Agent> agents = new ArrayList<>();
        ExecutorService checks = Executors.newCachedThreadPool();
        try {
            agents.add(startAgent("full", deployment.getSpec().getTemplate().getSpec().getServiceAccountName(),
                    deployment, configMaps, readerToken));
            List<V1PolicyRule> rules = role.getRules();
            for (int i = 0; i < rules.size(); i++) {
                List<V1PolicyRule> without = new ArrayList<>(rules);
                without.remove(i);
                String label = "without-" + i;
                account(label, without);
                agents.add(startAgent(label, label, deployment, configMaps, readerToken));
            }
            List<Future<Optional<NodeScenario.Failure>>> results = new ArrayList<>();
            for (Agent agent : agents) {
                results.add(checks.submit(agent.scenario()::run));
            }
            StringBuilder report = new StringBuilder();
            Map<String, NodeScenario.Failure> failures = new LinkedHashMap<>();
            for (int i = 0; i < agents.size(); i++) {
                Optional<NodeScenario.Failure> failure = results.get(i).get();
                String rule = i == 0 ? "(none left out)" : ruleName(rules.get(i - 1));
                report.append(String.format("%-30s %s%n", rule, failure.map(Object::toString).orElse("does everything")));
                failure.ifPresent(f -> failures.put(rule, f));
            }
            System.out.println("ClusterRole rules left out, and what the agent then cannot do:\n" + report);
            assertTrue(!failures.containsKey("(none left out)"), "with the manifests' ClusterRole the agent "
                    + failures.get("(none left out)") + "\n" + Files.readString(agents.get(0).log()));
            for (int i = 0; i < rules.size(); i++) {
                String rule = ruleName(rules.get(i));
                assertTrue(failures.containsKey(rule), "rule " + rule + " is not needed: the agent does everything"
                        + " without it\n" + report);
                String log = Files.readString(agents.get(i + 1).log());
                assertEquals(NEEDED_FOR.get(rule), failures.get(rule).step(), "without rule " + rule + "\n" + report
                        + "\n" + log);
                assertTrue(rules.get(i).getResources().stream().anyMatch(resource -> Pattern.compile(
                        "cannot [a-z]+ resource \\\\?\"" + Pattern.quote(resource) + "\\\\?\"").matcher(log).find()),
                        "without rule " + rule + " the agent's log names no refused request on it:\n" + log);
            }
            assertEquals(NEEDED_FOR.keySet(), rules.stream().map(DeploymentIT::ruleName)
                    .collect(java.util.stream.Collectors.toSet()), "the ClusterRole's rules changed: say what each is for");
        } finally {
            checks.shutdownNow();
            for (Agent agent : agents) {
                Processes.stop(agent.process());
            }
        }
    }
}
