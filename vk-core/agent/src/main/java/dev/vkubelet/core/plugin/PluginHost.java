package dev.vkubelet.core.plugin;

import dev.vkubelet.provider.PodLifecycleHandler;
import dev.vkubelet.provider.ProviderContext;
import dev.vkubelet.provider.ProviderException;
import dev.vkubelet.provider.ProviderFactory;
import dev.vkubelet.tracing.Tracer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.pf4j.DefaultPluginManager;
import org.pf4j.ExtensionFactory;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;
import org.pf4j.SingletonExtensionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the provider plugins of one directory. Broken plugins (no descriptor, an extension index
 * naming classes that do not load, a plugin class that throws on start, a {@code Plugin-Requires}
 * this host does not satisfy, a provider name offered twice) are collected as
 * {@link PluginFailure}s and never stop the others from loading.
 */
public final class PluginHost implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PluginHost.class);

    private final Path pluginDir;
    private final HostPluginManager manager;
    private final List<PluginFailure> failures;
    private final Map<String, Registered> providers;
    private final List<PluginStatus> plugins;
    private boolean closed;

    private record Registered(AvailableProvider info, ProviderFactory factory, ClassLoader loader) {}

    private PluginHost(Path pluginDir, HostPluginManager manager, List<PluginFailure> failures,
            Map<String, Registered> providers, List<PluginStatus> plugins) {
        this.pluginDir = pluginDir;
        this.manager = manager;
        this.failures = List.copyOf(failures);
        this.providers = providers;
        this.plugins = List.copyOf(plugins);
    }

    /**
     * Loads and starts every plugin in {@code pluginDir}, checking {@code Plugin-Requires} against
     * {@code hostVersion}. A missing directory yields a host with no providers.
     */
    public static PluginHost load(Path pluginDir, String hostVersion) {
        Objects.requireNonNull(pluginDir, "pluginDir");
        Path dir = pluginDir.toAbsolutePath().normalize();
        List<PluginFailure> failures = new ArrayList<>();
        HostPluginManager manager = new HostPluginManager(dir, hostVersion, failures);
        Map<String, Registered> providers = new LinkedHashMap<>();
        if (!Files.isDirectory(dir)) {
            LOG.warn("plugin directory {} does not exist", dir);
            return new PluginHost(dir, manager, failures, providers, List.of());
        }
        manager.loadPlugins();
        manager.startPlugins();
        List<PluginWrapper> plugins = new ArrayList<>(manager.getPlugins());
        plugins.sort(Comparator.comparing(p -> p.getPluginPath().toString()));
        for (PluginWrapper plugin : plugins) {
            if (plugin.getPluginState() != PluginState.STARTED) {
                if (plugin.getPluginState() == PluginState.FAILED) {
                    failures.add(new PluginFailure(plugin.getPluginPath(),
                            "plugin failed to start: " + describe(plugin.getFailedException())));
                }
                continue;
            }
            register(manager, plugin, failures, providers);
        }
        failures.sort(Comparator.comparing(f -> f.path().toString()));
        for (PluginFailure failure : failures) {
            LOG.error("broken plugin {}", failure);
        }
        return new PluginHost(dir, manager, failures, providers, statuses(plugins, failures, providers));
    }

    /** One status per plugin PF4J saw, and one per jar it could not even read. */
    private static List<PluginStatus> statuses(List<PluginWrapper> plugins, List<PluginFailure> failures,
            Map<String, Registered> providers) {
        Map<Path, List<String>> problems = new LinkedHashMap<>();
        failures.forEach(f -> problems.computeIfAbsent(f.path(), p -> new ArrayList<>()).add(f.reason()));
        List<PluginStatus> statuses = new ArrayList<>();
        for (PluginWrapper plugin : plugins) {
            Path path = plugin.getPluginPath();
            List<String> names = providers.values().stream().filter(r -> r.info().path().equals(path))
                    .map(r -> r.info().name()).toList();
            List<String> own = problems.getOrDefault(path, List.of());
            PluginStatus.State state = !names.isEmpty() ? PluginStatus.State.STARTED
                    : own.isEmpty() && plugin.getPluginState() == PluginState.DISABLED ? PluginStatus.State.DISABLED
                    : PluginStatus.State.FAILED;
            List<String> reasons = state == PluginStatus.State.FAILED && own.isEmpty()
                    ? List.of("plugin is " + plugin.getPluginState()) : own;
            statuses.add(new PluginStatus(path, Optional.of(plugin.getPluginId()),
                    Optional.of(plugin.getDescriptor().getVersion()), state, names, reasons));
            problems.remove(path);
        }
        problems.forEach((path, reasons) -> statuses.add(new PluginStatus(path, Optional.empty(), Optional.empty(),
                PluginStatus.State.FAILED, List.of(), reasons)));
        statuses.sort(Comparator.comparing(s -> s.path().toString()));
        return statuses;
    }

    private static void register(HostPluginManager manager, PluginWrapper plugin, List<PluginFailure> failures,
            Map<String, Registered> providers) {
        String id = plugin.getPluginId();
        ClassLoader loader = plugin.getPluginClassLoader();
        Set<String> indexed = manager.getExtensionClassNames(id);
        for (String className : indexed) {
            try (LoaderSwap swap = LoaderSwap.to(loader)) {
                Class.forName(className, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                failures.add(new PluginFailure(plugin.getPluginPath(),
                        "extension index names " + className + ", which cannot be loaded: " + describe(e)));
                return;
            }
        }
        List<ProviderFactory> factories;
        try (LoaderSwap swap = LoaderSwap.to(loader)) {
            factories = manager.getExtensions(ProviderFactory.class, id);
        } catch (RuntimeException | LinkageError e) {
            failures.add(new PluginFailure(plugin.getPluginPath(), "cannot create its extensions: " + describe(e)));
            return;
        }
        if (factories.isEmpty()) {
            failures.add(new PluginFailure(plugin.getPluginPath(),
                    "offers no " + ProviderFactory.class.getName() + " extension"));
            return;
        }
        for (ProviderFactory factory : factories) {
            String name;
            try (LoaderSwap swap = LoaderSwap.to(loader)) {
                name = factory.name();
            } catch (RuntimeException | LinkageError e) {
                failures.add(new PluginFailure(plugin.getPluginPath(), "ProviderFactory.name() failed: " + describe(e)));
                continue;
            }
            if (name == null || name.isBlank()) {
                failures.add(new PluginFailure(plugin.getPluginPath(), "a ProviderFactory has no name"));
                continue;
            }
            Registered existing = providers.get(name);
            if (existing != null) {
                failures.add(new PluginFailure(plugin.getPluginPath(), "provider '" + name
                        + "' is already offered by " + existing.info().path()));
                continue;
            }
            AvailableProvider info = new AvailableProvider(name, id, plugin.getDescriptor().getVersion(),
                    plugin.getPluginPath());
            providers.put(name, new Registered(info, factory, loader));
            LOG.info("provider '{}' from plugin {} {} ({})", name, id, info.pluginVersion(), plugin.getPluginPath());
        }
    }

    static String describe(Throwable e) {
        if (e == null) {
            return "unknown cause";
        }
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (text.length() > 0) {
                text.append("; caused by ");
            }
            text.append(t.getClass().getSimpleName());
            if (t.getMessage() != null) {
                text.append(": ").append(t.getMessage());
            }
        }
        return text.toString();
    }

    /** The directory plugins were loaded from. */
    public Path pluginDir() {
        return pluginDir;
    }

    /** The providers the loaded plugins offer, in plugin path order. */
    public List<AvailableProvider> providers() {
        return providers.values().stream().map(Registered::info).toList();
    }

    /** Every plugin of the directory, in path order: started, disabled or failed, with its providers. */
    public List<PluginStatus> plugins() {
        return plugins;
    }

    /** The plugins that could not be used. */
    public List<PluginFailure> failures() {
        return failures;
    }

    /**
     * Checks that a plugin offers provider {@code name}.
     *
     * @throws UnknownProviderException listing what was found, where, and the broken plugins
     */
    public AvailableProvider require(String name) {
        Registered registered = providers.get(name);
        if (registered == null) {
            throw new UnknownProviderException(unknownProviderMessage(name));
        }
        return registered.info();
    }

    /**
     * Creates provider {@code name} through its factory, with every call traced and contained.
     *
     * @throws UnknownProviderException when no plugin offers {@code name}; the message lists what
     *     was found, where, and the broken plugins
     * @throws ProviderException when the factory fails (e.g. a malformed provider config)
     */
    public ProviderHandle createProvider(String name, ProviderContext context, Tracer tracer) {
        return createProvider(name, context, tracer, dev.vkubelet.core.metrics.Instrumentation.NOOP);
    }

    /** The same, reporting every provider call to {@code metrics}. */
    public ProviderHandle createProvider(String name, ProviderContext context, Tracer tracer,
            dev.vkubelet.core.metrics.Instrumentation metrics) {
        require(name);
        Registered registered = providers.get(name);
        ProviderFactory factory = ProviderCalls.wrapFactory(registered.factory(), registered.loader(), name, tracer);
        PodLifecycleHandler provider = factory.create(context);
        if (provider == null) {
            throw new ProviderException("provider '" + name + "' factory returned no provider");
        }
        return new ProviderHandle(registered.info(),
                ProviderCalls.wrap(provider, registered.loader(), name, tracer, metrics));
    }

    private String unknownProviderMessage(String name) {
        StringBuilder text = new StringBuilder("unknown provider '").append(name).append("'; ");
        if (providers.isEmpty()) {
            text.append("no providers found in ").append(pluginDir);
        } else {
            text.append("found in ").append(pluginDir).append(": ").append(providers.values().stream()
                    .map(r -> r.info().name() + " (" + r.info().path().getFileName() + ")")
                    .collect(Collectors.joining(", ")));
        }
        if (!failures.isEmpty()) {
            text.append("; broken plugins: ").append(failures.stream().map(PluginFailure::toString)
                    .collect(Collectors.joining("; ")));
        }
        return text.toString();
    }

    /** The class loader of the plugin offering {@code provider} (tests check what it can load). */
    ClassLoader classLoader(String provider) {
        require(provider);
        return providers.get(provider).loader();
    }

    /** Stops and unloads every plugin. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            // unloadPlugins stops each plugin first; PF4J's stopPlugins() modifies the list it iterates
            manager.unloadPlugins();
        } catch (RuntimeException e) {
            LOG.warn("stopping plugins failed", e);
        }
    }

    /** PF4J customised by overriding factory methods: singleton extensions, failures collected. */
    private static final class HostPluginManager extends DefaultPluginManager {

        private final List<PluginFailure> failures;

        HostPluginManager(Path pluginDir, String hostVersion, List<PluginFailure> failures) {
            super(pluginDir);
            this.failures = failures;
            setSystemVersion(hostVersion);
        }

        @Override
        protected ExtensionFactory createExtensionFactory() {
            return new SingletonExtensionFactory(this);
        }

        @Override
        protected PluginWrapper loadPluginFromPath(Path pluginPath) {
            try {
                return super.loadPluginFromPath(pluginPath);
            } catch (RuntimeException | LinkageError e) {
                failures.add(new PluginFailure(pluginPath, "cannot load: " + describe(e)));
                return null;
            }
        }

        @Override
        protected boolean isPluginValid(PluginWrapper pluginWrapper) {
            boolean valid = super.isPluginValid(pluginWrapper);
            if (!valid) {
                failures.add(new PluginFailure(pluginWrapper.getPluginPath(), "requires host version '"
                        + pluginWrapper.getDescriptor().getRequires() + "', but this host is " + getSystemVersion()));
            }
            return valid;
        }
    }
}
