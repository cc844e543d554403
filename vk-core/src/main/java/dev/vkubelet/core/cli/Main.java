package dev.vkubelet.core.cli;

import dev.vkubelet.core.app.RunConfig;
import dev.vkubelet.core.app.VirtualKubelet;
import dev.vkubelet.core.controlplane.ControlPlaneAssets;
import dev.vkubelet.core.controlplane.LocalControlPlane;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/** The {@code virtual-kubelet} entry point. */
public final class Main implements Cli.Runner {

    private Main() {}

    public static void main(String[] args) {
        Optional<Path> installHome = Optional.ofNullable(System.getProperty("vk.home")).map(Path::of);
        Cli cli = new Cli(System.getenv(), Path.of(System.getProperty("user.home")), installHome, System.out,
                System.err, new Main());
        System.exit(cli.run(args));
    }

    /** How long stopping the node agent may take on SIGTERM before the process goes anyway. */
    private static final long SHUTDOWN_SECONDS = 20;

    @Override
    public int runNode(RunConfig config) throws Exception {
        return runNode(config, () -> {});
    }

    private int runNode(RunConfig config, AutoCloseable afterwards) throws Exception {
        VirtualKubelet agent = new VirtualKubelet(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Thread closing = new Thread(agent::close, "virtual-kubelet-close");
            closing.setDaemon(true);
            closing.start();
            try {
                closing.join(SHUTDOWN_SECONDS * 1000);
                afterwards.close();
            } catch (Exception e) {
                System.err.println("virtual-kubelet: error while stopping: " + e);
            }
            stopped.countDown();
        }, "virtual-kubelet-shutdown"));
        try {
            agent.start();
        } catch (Exception e) {
            agent.close();
            throw e;
        }
        stopped.await();
        return Cli.OK;
    }

    @Override
    public int runLocal(RunConfig config) throws Exception {
        LocalControlPlane plane = LocalControlPlane.start(ControlPlaneAssets.locate(System.getenv()),
                LocalControlPlane.Options.full());
        plane.detachShutdownHook();
        Path stable = Path.of(System.getProperty("user.home"), ".cache", "virtual-kubelet", "local",
                "admin.kubeconfig");
        Files.createDirectories(stable.getParent());
        Files.copy(plane.adminKubeconfig(), stable, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("Local control plane: " + plane.serverUrl());
        System.out.println("Admin kubeconfig:    " + stable);
        System.out.println("Try:                 kubectl --kubeconfig " + stable + " get nodes -o wide");
        System.out.println("Stop with Ctrl-C; the control plane and its data are removed.");
        try {
            return runNode(config.forLocalControlPlane(plane.nodeKubeconfig(config.nodeName()), plane.caCertificate()),
                    plane);
        } finally {
            plane.close();
        }
    }
}
