package dev.vkubelet.core.plugin;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A stream a plugin returned (a container's log), read by the host on threads of its own: every
 * read runs with the plugin's class loader, and whatever the plugin's code throws while it is read
 * or closed reaches the host as an {@link IOException} that names the provider.
 */
final class PluginInputStream extends FilterInputStream {

    private final ClassLoader pluginLoader;
    private final String providerName;

    PluginInputStream(InputStream in, ClassLoader pluginLoader, String providerName) {
        super(in);
        this.pluginLoader = pluginLoader;
        this.providerName = providerName;
    }

    @FunctionalInterface
    private interface Read {
        int run() throws IOException;
    }

    private int contained(Read read) throws IOException {
        try (LoaderSwap swap = LoaderSwap.to(pluginLoader)) {
            return read.run();
        } catch (RuntimeException | LinkageError e) {
            throw new IOException("provider '" + providerName + "' failed while its stream was read: "
                    + e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        }
    }

    @Override
    public int read() throws IOException {
        return contained(in::read);
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        return contained(() -> in.read(buffer, offset, length));
    }

    @Override
    public long skip(long n) throws IOException {
        long[] skipped = new long[1];
        contained(() -> {
            skipped[0] = in.skip(n);
            return 0;
        });
        return skipped[0];
    }

    @Override
    public int available() throws IOException {
        return contained(in::available);
    }

    @Override
    public void close() throws IOException {
        contained(() -> {
            in.close();
            return 0;
        });
    }
}
