package dev.vkubelet.core.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vkubelet.core.metrics.Instrumentation;
import dev.vkubelet.core.pod.InMemoryProvider;
import dev.vkubelet.core.pod.DelegatingProvider;
import dev.vkubelet.provider.ContainerLogs;
import dev.vkubelet.provider.LogOptions;
import dev.vkubelet.provider.PodLifecycleHandler;
import dev.vkubelet.tracing.Tracer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the plugin boundary does to a stream a provider returns. */
class ProviderCallsTest {

    /** A provider whose log stream records the context class loader of each read, then fails. */
    static final class StreamingProvider extends DelegatingProvider implements ContainerLogs {
        final List<ClassLoader> readWith = new ArrayList<>();

        StreamingProvider() {
            super(new InMemoryProvider(false));
        }

        @Override
        public InputStream getContainerLogs(String namespace, String pod, String container, LogOptions options) {
            return new InputStream() {
                private int left = 2;

                @Override
                public int read() {
                    readWith.add(Thread.currentThread().getContextClassLoader());
                    if (left-- > 0) {
                        return 'x';
                    }
                    throw new NoSuchMethodError("a plugin built against another library version");
                }
            };
        }
    }

    @Test
    void aReturnedStreamIsReadWithThePluginsLoaderAndItsFailuresAreContained() throws Exception {
        StreamingProvider plugin = new StreamingProvider();
        try (URLClassLoader pluginLoader = new URLClassLoader(new URL[0], getClass().getClassLoader())) {
            PodLifecycleHandler wrapped = ProviderCalls.wrap(plugin, pluginLoader, "streaming", Tracer.noop(),
                    Instrumentation.NOOP);
            InputStream logs = ((ContainerLogs) wrapped).getContainerLogs("ns", "pod", "app", LogOptions.defaults());
            ClassLoader host = Thread.currentThread().getContextClassLoader();
            assertEquals('x', logs.read());
            assertEquals('x', logs.read());
            IOException failure = assertThrows(IOException.class, logs::read,
                    "a LinkageError from plugin code reached the host's reader as is");
            assertTrue(failure.getMessage().contains("provider 'streaming' failed while its stream was read"),
                    failure.getMessage());
            assertEquals(3, plugin.readWith.size());
            plugin.readWith.forEach(loader -> assertSame(pluginLoader, loader, "a read ran with the host's loader"));
            assertSame(host, Thread.currentThread().getContextClassLoader(), "the host's loader was not restored");
        }
    }
}
