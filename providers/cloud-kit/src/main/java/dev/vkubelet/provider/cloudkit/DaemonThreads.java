package dev.vkubelet.provider.cloudkit;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Daemon threads named {@code <name>-<n>} whose context class loader is the plugin's, so that
 * libraries that load classes through it (the cloud SDKs do) find the plugin's classes.
 */
public final class DaemonThreads {

    private DaemonThreads() {}

    /** Threads for code of the plugin that {@code owner} belongs to. */
    public static ThreadFactory factory(String name, Class<?> owner) {
        ClassLoader loader = owner.getClassLoader();
        AtomicLong n = new AtomicLong();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            t.setContextClassLoader(loader);
            return t;
        };
    }
}
