package dev.vkubelet.core.threads;

import java.util.concurrent.ThreadFactory;

/** The one thread factory of the host: daemon threads named for what they do. */
public final class DaemonThreads {

    private DaemonThreads() {}

    /** A factory of daemon threads named {@code name}. */
    public static ThreadFactory named(String name) {
        return task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Starts {@code task} on a daemon thread named {@code name}. */
    public static Thread start(String name, Runnable task) {
        Thread thread = named(name).newThread(task);
        thread.start();
        return thread;
    }
}
