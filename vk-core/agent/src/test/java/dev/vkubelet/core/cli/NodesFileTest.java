package dev.vkubelet.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vkubelet.core.app.NodeDefinition;
import dev.vkubelet.core.app.RunConfig;
import io.kubernetes.client.custom.Quantity;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code --nodes-config}: a mixed fleet read through the command line, and every mistake named. */
class NodesFileTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private RunConfig ran;
    private Path kubeconfig;

    @BeforeEach
    void files() throws IOException {
        kubeconfig = Files.writeString(dir.resolve("kubeconfig"), "apiVersion: v1\nkind: Config\n");
        Files.writeString(dir.resolve("azure-west.yaml"), "resourceGroup: west\n");
        Files.writeString(dir.resolve("mock.json"), "{}\n");
    }

    private int run(String yaml, String... flags) throws IOException {
        Path file = Files.writeString(dir.resolve("nodes.yaml"), yaml);
        List<String> args = new ArrayList<>(List.of("--kubeconfig", kubeconfig.toString(), "--nodes-config",
                file.toString()));
        args.addAll(List.of(flags));
        ran = null;
        err.reset();
        Cli cli = new Cli(Map.of(), dir, Optional.empty(), new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), config -> {
                    ran = config;
                    return Cli.OK;
                });
        return cli.run(args.toArray(String[]::new));
    }

    private String error() {
        return err.toString(StandardCharsets.UTF_8).lines().findFirst().orElse("");
    }

    @Test
    void eachNodeHasItsProviderConfigurationLabelsTaintsCapacityAndOs() throws IOException {
        assertEquals(Cli.OK, run("""
                nodes:
                  - name: aci-westeurope
                    provider: azure
                    providerConfig: azure-west.yaml
                    labels: {topology.kubernetes.io/region: westeurope, tier: "gold"}
                    taints: ["virtual-kubelet.io/provider=azure:NoSchedule", "example.com/dedicated:NoExecute"]
                    capacity: {cpu: "200", memory: 800Gi}
                  - name: windows-mock
                    os: Windows
                    taints: []
                  - name: plain
                """, "--provider", "mock", "--provider-config", dir.resolve("mock.json").toString()));
        List<NodeDefinition> nodes = ran.nodes();
        assertEquals(List.of("aci-westeurope", "windows-mock", "plain"), ran.nodeNames());
        assertEquals(List.of("azure", "mock"), ran.providers());

        NodeDefinition west = nodes.get(0);
        assertEquals("azure", west.provider());
        assertEquals(Optional.of(dir.resolve("azure-west.yaml").toAbsolutePath()), west.providerConfig(),
                "a providerConfig is relative to the file");
        assertEquals(Map.of("topology.kubernetes.io/region", "westeurope", "tier", "gold"), west.labels());
        assertTrue(west.taintEnabled());
        assertEquals("virtual-kubelet.io/provider", west.taint().getKey());
        assertEquals("azure", west.taint().getValue());
        assertEquals("example.com/dedicated", west.extraTaints().get(0).getKey());
        assertEquals("NoExecute", west.extraTaints().get(0).getEffect());
        assertEquals(Map.of("cpu", Quantity.fromString("200"), "memory", Quantity.fromString("800Gi")),
                west.capacity());
        assertEquals("linux", west.operatingSystem());

        NodeDefinition windows = nodes.get(1);
        assertEquals("mock", windows.provider(), "--provider is the default");
        assertEquals(Optional.of(dir.resolve("mock.json")), windows.providerConfig());
        assertEquals("windows", windows.operatingSystem());
        assertTrue(!windows.taintEnabled() && windows.extraTaints().isEmpty(), "taints: [] means none");

        NodeDefinition plain = nodes.get(2);
        assertTrue(plain.taintEnabled());
        assertEquals("mock", plain.taint().getValue(), "the default taint's value is the node's provider");
        assertEquals("NoSchedule", plain.taint().getEffect());
        assertTrue(plain.labels().isEmpty() && plain.capacity().isEmpty());
        assertEquals("azure+mock", ran.tracing().tags().get("provider"));
    }

    @Test
    void withoutProviderFlagEveryEntryNamesItsOwnAndTheFirstIsTheDefault() throws IOException {
        assertEquals(Cli.OK, run("nodes:\n  - {name: a, provider: aws}\n  - {name: b, provider: mock}\n"));
        assertEquals("aws", ran.provider());
        assertEquals("aws", ran.nodes().get(0).taint().getValue());
        assertEquals("mock", ran.nodes().get(1).taint().getValue());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "nodes: []|must have a non-empty list 'nodes'",
        "nodes:\\n  - {name: a}\\nextra: 1|unknown field(s) [extra] (only 'nodes')",
        "nodes:\\n  - {name: a, flavour: x}|node 1: unknown field(s) [flavour]",
        "nodes:\\n  - {provider: mock}|node 1: 'name' is required",
        "nodes:\\n  - {name: Not_A_Node}|name 'Not_A_Node' is not a valid node name",
        "nodes:\\n  - {name: a}\\n  - {name: a}|node 2: node 'a' is listed twice",
        "nodes:\\n  - {name: a, labels: {'bad key!': x}}|node 'a': label key 'bad key!' is not a valid qualified name",
        "nodes:\\n  - {name: a, labels: {k: 'bad value!'}}|node 'a': label 'k' has value 'bad value!'",
        "nodes:\\n  - {name: a, taints: ['k=v:Sometimes']}|taint effect 'Sometimes' is not supported",
        "nodes:\\n  - {name: a, taints: 'k'}|node 'a': 'taints' must be a list",
        "nodes:\\n  - {name: a, capacity: {cpu: lots}}|node 'a': capacity cpu 'lots' is not a quantity",
        "nodes:\\n  - {name: a, os: plan9}|node 'a': os 'plan9' is not supported",
        "nodes:\\n  - {name: a, providerConfig: missing.yaml}|node 'a': providerConfig",
        "nodes: [unclosed|is not valid YAML",
    })
    void mistakesAreNamedWithTheFileTheEntryAndTheField(String yaml, String expected) throws IOException {
        assertEquals(Cli.USAGE, run(yaml.replace("\\n", "\n"), "--provider", "mock"));
        assertTrue(error().startsWith("virtual-kubelet: error: --nodes-config " + dir.resolve("nodes.yaml"))
                && error().contains(expected), error());
        assertEquals(null, ran);
    }

    @Test
    void aProviderIsNeededSomewhereAndNodeCountDoesNotMix() throws IOException {
        assertEquals(Cli.USAGE, run("nodes:\n  - {name: a}\n"));
        assertTrue(error().contains("node 'a': no 'provider' and no --provider to fall back on"), error());
        assertEquals(Cli.USAGE, run("nodes:\n  - {name: a}\n", "--provider", "mock", "--node-count", "2"));
        assertTrue(error().contains("--nodes-config lists the nodes: it cannot be used with --node-count"), error());
    }
}
