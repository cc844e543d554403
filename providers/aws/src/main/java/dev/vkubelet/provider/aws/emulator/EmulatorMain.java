package dev.vkubelet.provider.aws.emulator;

import dev.vkubelet.provider.aws.config.AwsConfig;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the emulator on its own, so that agents share it or outlive it:
 * {@code java -cp aws-plugin.jar:<host lib>/* dev.vkubelet.provider.aws.emulator.EmulatorMain [--port N] [config.yaml]}.
 * The settings are the {@code emulator} section of an aws provider config file. Prints
 * {@code listening on <url>} when ready and runs until killed.
 */
public final class EmulatorMain {

    private EmulatorMain() {}

    public static void main(String[] args) throws Exception {
        EmulatorSettings settings = EmulatorSettings.defaults();
        Integer port = null;
        for (int i = 0; i < args.length; i++) {
            if ("--port".equals(args[i]) && i + 1 < args.length) {
                port = Integer.parseInt(args[++i]);
            } else if (args[i].startsWith("-")) {
                System.err.println("usage: EmulatorMain [--port N] [aws-provider-config.yaml]");
                System.exit(2);
            } else {
                settings = AwsConfig.load(Path.of(args[i])).emulator();
            }
        }
        if (port != null) {
            settings = settings.withPort(port);
        }
        EcsEmulator emulator = EcsEmulator.start(settings);
        Runtime.getRuntime().addShutdownHook(new Thread(emulator::close));
        System.out.println("listening on " + emulator.endpoint());
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
