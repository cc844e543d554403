package dev.vkubelet.core.cli;

import dev.vkubelet.core.app.RunConfig;
import dev.vkubelet.core.app.VirtualKubelet;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * The node agent's entry point: its command line without development subcommands. The
 * distribution's launcher ({@code dev.vkubelet.core.launcher.Launcher} in vk-tools) adds those and
 * runs the agent through {@link #runUntilStopped}.
 */
public final class Main implements Cli.Runner {

    /** How long stopping the node agent may take on SIGTERM before the process goes anyway. */
    private static final long SHUTDOWN_SECONDS = 20;

    private Main() {}

    public static void main(String[] args) {
        System.exit(new Cli(System.getenv(), Path.of(System.getProperty("user.home")), installHome(), System.out,
                System.err, new Main()).run(args));
    }

    /** The installation directory the launch script names ({@code -Dvk.home}), if any. */
    public static Optional<Path> installHome() {
        return Optional.ofNullable(System.getProperty("vk.home")).map(Path::of);
    }

    /** The runner that runs the agent until the process is told to stop. */
    public static Cli.Runner runner() {
        return new Main();
    }

    @Override
    public int runNode(RunConfig config) throws Exception {
        return runUntilStopped(config, () -> {});
    }

    /**
     * Starts the node agent and runs it until the process is told to stop (SIGTERM, SIGINT); then
     * stops it, waiting at most {@value #SHUTDOWN_SECONDS} s, and closes {@code afterwards}.
     */
    public static int runUntilStopped(RunConfig config, AutoCloseable afterwards) throws Exception {
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
}
