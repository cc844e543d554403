package dev.vkubelet.core.launcher;

import com.beust.jcommander.Parameters;
import com.beust.jcommander.ParametersDelegate;
import dev.vkubelet.core.app.RunConfig;
import dev.vkubelet.core.cli.Cli;
import dev.vkubelet.core.cli.Main;
import dev.vkubelet.core.cli.NodeOptions;
import dev.vkubelet.core.cli.UsageException;
import dev.vkubelet.core.controlplane.ControlPlaneAssets;
import dev.vkubelet.core.controlplane.LocalControlPlane;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** {@code virtual-kubelet local}: a local control plane and the node agent against it. */
@Parameters(separators = " =", commandDescription = "Start a local control plane (etcd, kube-apiserver,"
        + " kube-controller-manager, kube-scheduler on loopback) and the node agent against it; the provider"
        + " defaults to mock")
final class LocalCommand implements Cli.Subcommand {

    /** The real runner: starts the control plane, then the agent until the process is told to stop. */
    static final Launcher.LocalRunner RUNNER = LocalCommand::runWithLocalControlPlane;

    @ParametersDelegate
    final NodeOptions node;

    private final Launcher.LocalRunner runner;

    LocalCommand(Map<String, String> env, Path home, Optional<Path> installHome, Launcher.LocalRunner runner) {
        this.node = NodeOptions.forLocalCluster(env, home, installHome);
        this.runner = Objects.requireNonNull(runner, "runner");
    }

    @Override
    public String name() {
        return "local";
    }

    @Override
    public boolean helpRequested() {
        return node.helpRequested();
    }

    @Override
    public int run() throws Exception {
        if (node.kubeconfigGiven()) {
            throw new UsageException("--kubeconfig cannot be used with local: it makes its own control plane");
        }
        return runner.runLocal(node.toRunConfig());
    }

    /** The kubectl installed with the control plane (or {@code $VK_KUBECTL}); plain {@code kubectl} without one. */
    private static String kubectl(ControlPlaneAssets assets) {
        try {
            return assets.kubectl(System.getenv()).toString();
        } catch (IllegalStateException e) {
            return "kubectl";
        }
    }

    private static int runWithLocalControlPlane(RunConfig config) throws Exception {
        ControlPlaneAssets assets = ControlPlaneAssets.locate(System.getenv());
        LocalControlPlane plane = LocalControlPlane.start(assets, LocalControlPlane.Options.full());
        plane.detachShutdownHook();
        Path stable = Path.of(System.getProperty("user.home"), ".cache", "virtual-kubelet", "local",
                "admin.kubeconfig");
        Files.createDirectories(stable.getParent());
        Files.copy(plane.adminKubeconfig(), stable, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("Local control plane: " + plane.serverUrl());
        System.out.println("Admin kubeconfig:    " + stable);
        System.out.println("Try:                 " + kubectl(assets) + " --kubeconfig " + stable + " get nodes -o wide");
        System.out.println("Stop with Ctrl-C; the control plane and its data are removed.");
        try {
            Path identity = plane.agentKubeconfig(config.nodeName(), config.nodeNames().size(), "virtual-kubelet");
            return Main.runUntilStopped(config.forLocalControlPlane(identity, plane.caCertificate()), plane);
        } finally {
            plane.close();
        }
    }
}
