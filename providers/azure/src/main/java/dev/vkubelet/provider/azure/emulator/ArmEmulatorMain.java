package dev.vkubelet.provider.azure.emulator;

import dev.vkubelet.provider.azure.config.AzureConfig;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the ARM emulator on its own, so that agents share it or outlive it:
 * {@code java -cp azure-plugin.jar:<host lib>/* dev.vkubelet.provider.azure.emulator.ArmEmulatorMain [--port N] [config.yaml]}.
 * The settings are the {@code emulator} section of an azure provider config file. Prints
 * {@code listening on <url>} when ready and runs until killed.
 */
public final class ArmEmulatorMain {

    private ArmEmulatorMain() {}

    public static void main(String[] args) throws Exception {
        ArmSettings settings = ArmSettings.defaults();
        Integer port = null;
        for (int i = 0; i < args.length; i++) {
            if ("--port".equals(args[i]) && i + 1 < args.length) {
                port = Integer.parseInt(args[++i]);
            } else if (args[i].startsWith("-")) {
                System.err.println("usage: ArmEmulatorMain [--port N] [azure-provider-config.yaml]");
                System.exit(2);
            } else {
                settings = AzureConfig.load(Path.of(args[i])).emulator();
            }
        }
        if (port != null) {
            settings = settings.withPort(port);
        }
        ArmEmulator emulator = ArmEmulator.start(settings);
        Runtime.getRuntime().addShutdownHook(new Thread(emulator::close));
        System.out.println("listening on " + emulator.endpoint());
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
