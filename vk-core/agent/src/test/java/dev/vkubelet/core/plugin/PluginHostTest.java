package dev.vkubelet.core.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vkubelet.provider.ClusterResources;
import dev.vkubelet.provider.ContainerLogs;
import dev.vkubelet.provider.InvalidInputException;
import dev.vkubelet.provider.NodeProvider;
import dev.vkubelet.provider.NotFoundException;
import dev.vkubelet.provider.ProviderContext;
import dev.vkubelet.provider.ProviderException;
import dev.vkubelet.provider.testkit.TestPods;
import dev.vkubelet.tracing.Tracer;
import io.kubernetes.client.openapi.models.V1Pod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginHostTest {

    private static final String HOST_VERSION = "0.1.0";

    @TempDir
    Path plugins;

    private static final String FACTORY = """
            package %1$s;
            @org.pf4j.Extension
            public class Factory implements dev.vkubelet.provider.ProviderFactory {
                public String name() { return "%2$s"; }
                public dev.vkubelet.provider.PodLifecycleHandler create(dev.vkubelet.provider.ProviderContext c) {
                    if (c.configPath().isPresent()) {
                        throw new dev.vkubelet.provider.InvalidInputException("bad config " + c.configPath().get());
                    }
                    return new Provider();
                }
            }
            """;

    private static final String PROVIDER = """
            package %1$s;
            import io.kubernetes.client.openapi.models.*;
            import java.util.*;
            public class Provider implements dev.vkubelet.provider.PodLifecycleHandler,
                    dev.vkubelet.provider.NodeProvider {
                private boolean loaderIsMine() {
                    return Thread.currentThread().getContextClassLoader() == getClass().getClassLoader();
                }
                public void createPod(V1Pod pod) { }
                public void updatePod(V1Pod pod) { throw new IllegalStateException("update exploded"); }
                public void deletePod(V1Pod pod) {
                    throw new dev.vkubelet.provider.NotFoundException("no " + pod.getMetadata().getName());
                }
                public Optional<V1Pod> getPod(String ns, String name) { return Optional.empty(); }
                public Optional<V1PodStatus> getPodStatus(String ns, String name) { return Optional.empty(); }
                public List<V1Pod> getPods() {
                    return List.of(new V1Pod().metadata(new V1ObjectMeta().name(loaderIsMine() ? "tccl-ok" : "tccl-wrong")));
                }
                public void ping() { throw new NoClassDefFoundError("some/Missing"); }
                public void notifyNodeStatus(java.util.function.Consumer<V1Node> c) { }
            }
            """;

    private static Map<String, String> manifest(String id, String requires, String pluginClass) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put("Plugin-Id", id);
        m.put("Plugin-Version", "1.0.0");
        m.put("Plugin-Requires", requires);
        if (pluginClass != null) {
            m.put("Plugin-Class", pluginClass);
        }
        return m;
    }

    private Path goodPlugin(String id, String providerName) throws IOException {
        String pkg = "testplugins." + id.replace('-', '_');
        return PluginJars.build(plugins, id + ".jar", new PluginJars.Spec(manifest(id, ">=0.1.0", null),
                Map.of(pkg + ".Factory", FACTORY.formatted(pkg, providerName), pkg + ".Provider",
                        PROVIDER.formatted(pkg)),
                Map.of("META-INF/extensions.idx", pkg + ".Factory\n")));
    }

    private static ProviderContext context(Optional<Path> config) {
        return new ProviderContext("n", "linux", "127.0.0.1", 10250, "cluster.local", config,
                ClusterResources.empty(), Tracer.noop(), dev.vkubelet.provider.ProviderMetrics.none());
    }

    private static String reasons(PluginHost host) {
        return host.failures().stream().map(PluginFailure::toString).collect(Collectors.joining("\n"));
    }

    @Test
    void brokenPluginsAreReportedWithPathAndCauseAndDoNotStopOthers() throws IOException {
        Path good = goodPlugin("good", "good");
        Path noDescriptor = PluginJars.build(plugins, "no-descriptor.jar",
                new PluginJars.Spec(Map.of(), Map.of(), Map.of("README", "nothing")));
        Path badIndex = PluginJars.build(plugins, "bad-index.jar", new PluginJars.Spec(
                manifest("bad-index", ">=0.1.0", null), Map.of(),
                Map.of("META-INF/extensions.idx", "testplugins.missing.Factory\n")));
        Path throwsOnStart = PluginJars.build(plugins, "throws-on-start.jar", new PluginJars.Spec(
                manifest("throws-on-start", ">=0.1.0", "testplugins.boom.BoomPlugin"),
                Map.of("testplugins.boom.BoomPlugin", """
                        package testplugins.boom;
                        public class BoomPlugin extends org.pf4j.Plugin {
                            @Override public void start() { throw new IllegalStateException("boom on start"); }
                        }
                        """), Map.of()));
        Path wrongVersion = PluginJars.build(plugins, "wrong-version.jar", new PluginJars.Spec(
                manifest("wrong-version", ">=99.0.0", null), Map.of(), Map.of()));
        Path noExtension = PluginJars.build(plugins, "no-extension.jar", new PluginJars.Spec(
                manifest("no-extension", ">=0.1.0", null), Map.of(), Map.of()));
        Files.writeString(plugins.resolve("garbage.jar"), "this is not a zip file");

        try (PluginHost host = PluginHost.load(plugins, HOST_VERSION)) {
            assertEquals(List.of("good"), host.providers().stream().map(AvailableProvider::name).toList());
            assertEquals(good.toAbsolutePath(), host.providers().get(0).path());
            Map<Path, String> byPath = host.failures().stream()
                    .collect(Collectors.toMap(f -> f.path().getFileName(), PluginFailure::reason, (a, b) -> a + "; " + b));
            String all = reasons(host);
            assertTrue(byPath.get(noDescriptor.getFileName()).contains("cannot load"), all);
            assertTrue(byPath.get(badIndex.getFileName()).contains("testplugins.missing.Factory"), all);
            assertTrue(byPath.get(throwsOnStart.getFileName()).contains("boom on start"), all);
            assertTrue(byPath.get(wrongVersion.getFileName()).contains("requires host version '>=99.0.0'"), all);
            assertTrue(byPath.get(noExtension.getFileName()).contains("offers no"), all);
            assertTrue(byPath.containsKey(Path.of("garbage.jar")), all);
            assertEquals(6, byPath.size(), all);
        }
    }

    @Test
    void everyPluginHasAStateWithItsProvidersOrItsReasons() throws IOException {
        goodPlugin("alpha", "alpha");
        goodPlugin("beta", "beta");
        PluginJars.build(plugins, "wrong-version.jar", new PluginJars.Spec(
                manifest("wrong-version", ">=99.0.0", null), Map.of(), Map.of()));
        Files.writeString(plugins.resolve("garbage.jar"), "this is not a zip file");
        Files.writeString(plugins.resolve("disabled.txt"), "# switched off by the operator\nbeta\n");
        try (PluginHost host = PluginHost.load(plugins, HOST_VERSION)) {
            Map<String, PluginStatus> byFile = host.plugins().stream()
                    .collect(Collectors.toMap(p -> p.path().getFileName().toString(), p -> p));
            assertEquals(List.of("alpha.jar", "beta.jar", "garbage.jar", "wrong-version.jar"),
                    host.plugins().stream().map(p -> p.path().getFileName().toString()).toList());
            PluginStatus alpha = byFile.get("alpha.jar");
            assertEquals(PluginStatus.State.STARTED, alpha.state());
            assertEquals(Optional.of("alpha"), alpha.id());
            assertEquals(Optional.of("1.0.0"), alpha.version());
            assertEquals(List.of("alpha"), alpha.providers());
            assertEquals(PluginStatus.State.DISABLED, byFile.get("beta.jar").state());
            assertEquals(List.of(), byFile.get("beta.jar").providers());
            PluginStatus wrong = byFile.get("wrong-version.jar");
            assertEquals(PluginStatus.State.FAILED, wrong.state());
            assertEquals(Optional.of("wrong-version"), wrong.id());
            assertTrue(wrong.problems().get(0).contains("requires host version '>=99.0.0', but this host is 0.1.0"),
                    wrong.problems().toString());
            PluginStatus garbage = byFile.get("garbage.jar");
            assertEquals(PluginStatus.State.FAILED, garbage.state());
            assertEquals(Optional.empty(), garbage.id());
            assertTrue(garbage.problems().get(0).startsWith("cannot load"), garbage.problems().toString());
            assertEquals(List.of("alpha"), host.providers().stream().map(AvailableProvider::name).toList());
        }
    }

    @Test
    void unknownProviderListsWhatWasFoundAndWhere() throws IOException {
        goodPlugin("alpha", "alpha");
        goodPlugin("beta", "beta");
        try (PluginHost host = PluginHost.load(plugins, HOST_VERSION)) {
            UnknownProviderException e = assertThrows(UnknownProviderException.class,
                    () -> host.createProvider("gamma", context(Optional.empty()), Tracer.noop()));
            assertTrue(e.getMessage().contains("unknown provider 'gamma'"), e.getMessage());
            assertTrue(e.getMessage().contains("alpha (alpha.jar)") && e.getMessage().contains("beta (beta.jar)"),
                    e.getMessage());
            assertTrue(e.getMessage().contains(plugins.toAbsolutePath().toString()), e.getMessage());
        }
    }

    @Test
    void aProviderNameOfferedTwiceIsABrokenPlugin() throws IOException {
        goodPlugin("first", "same");
        goodPlugin("second", "same");
        try (PluginHost host = PluginHost.load(plugins, HOST_VERSION)) {
            assertEquals(1, host.providers().size());
            assertTrue(reasons(host).contains("provider 'same' is already offered by"), reasons(host));
        }
    }

    @Test
    void callsRunWithThePluginLoaderAndExceptionsAreContained() throws IOException {
        goodPlugin("calls", "calls");
        try (PluginHost host = PluginHost.load(plugins, HOST_VERSION)) {
            ProviderHandle provider = host.createProvider("calls", context(Optional.empty()), Tracer.noop());
            assertEquals("tccl-ok", provider.pods().getPods().get(0).getMetadata().getName());
            assertNotSame(getClass().getClassLoader(), Thread.currentThread().getContextClassLoader().getParent());

            V1Pod pod = TestPods.pod("default", "p", "n");
            ProviderException update = assertThrows(ProviderException.class, () -> provider.pods().updatePod(pod));
            assertTrue(update.getMessage().contains("update exploded"), update.getMessage());
            assertInstanceOf(IllegalStateException.class, update.getCause());
            assertThrows(NotFoundException.class, () -> provider.pods().deletePod(pod));

            NodeProvider node = provider.capability(NodeProvider.class).orElseThrow();
            ProviderException ping = assertThrows(ProviderException.class, node::ping);
            assertTrue(ping.getMessage().contains("NoClassDefFoundError"), ping.getMessage());
            assertFalse(provider.capability(ContainerLogs.class).isPresent());
        }
    }

    @Test
    void factoryFailuresSurfaceAsProviderErrors() throws IOException {
        goodPlugin("config", "config");
        try (PluginHost host = PluginHost.load(plugins, HOST_VERSION)) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> host.createProvider("config",
                    context(Optional.of(Path.of("/etc/broken.json"))), Tracer.noop()));
            assertTrue(e.getMessage().contains("bad config /etc/broken.json"));
        }
    }

    @Test
    void missingDirectoryMeansNoProviders() {
        try (PluginHost host = PluginHost.load(plugins.resolve("absent"), HOST_VERSION)) {
            assertTrue(host.providers().isEmpty());
            assertTrue(host.failures().isEmpty());
        }
    }

    @Test
    void theBuiltMockPluginLoadsFromThePluginsDirectory() {
        Path dir = Path.of(System.getProperty("vk.plugins.dir", "target/test-plugins"));
        try (PluginHost host = PluginHost.load(dir, HOST_VERSION)) {
            assertTrue(host.providers().stream().anyMatch(p -> p.name().equals("mock")),
                    "no mock provider in " + dir.toAbsolutePath() + ": " + host.providers() + " " + reasons(host));
        }
    }
}
