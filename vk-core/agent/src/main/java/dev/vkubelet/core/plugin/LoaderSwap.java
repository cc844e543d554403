package dev.vkubelet.core.plugin;

/** Sets the thread context class loader until closed: {@code try (LoaderSwap s = LoaderSwap.to(l)) {...}}. */
final class LoaderSwap implements AutoCloseable {

    private final Thread thread;
    private final ClassLoader previous;

    private LoaderSwap(ClassLoader loader) {
        this.thread = Thread.currentThread();
        this.previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
    }

    static LoaderSwap to(ClassLoader loader) {
        return new LoaderSwap(loader);
    }

    @Override
    public void close() {
        thread.setContextClassLoader(previous);
    }
}
