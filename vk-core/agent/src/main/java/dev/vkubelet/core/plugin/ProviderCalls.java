package dev.vkubelet.core.plugin;

import dev.vkubelet.core.metrics.Instrumentation;
import dev.vkubelet.provider.InvalidInputException;
import dev.vkubelet.provider.NotFoundException;
import dev.vkubelet.provider.PodLifecycleHandler;
import dev.vkubelet.provider.ProviderException;
import dev.vkubelet.provider.ProviderFactory;
import dev.vkubelet.provider.RetriableException;
import dev.vkubelet.tracing.Span;
import dev.vkubelet.tracing.SpanStatus;
import dev.vkubelet.tracing.Tracer;
import io.kubernetes.client.openapi.models.V1Pod;
import java.io.InputStream;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.MDC;

/**
 * The one decorator around every call into plugin code. For each call it swaps the thread context
 * class loader to the plugin's, opens a span {@code provider.<Interface>.<method>} (attributes
 * {@code provider}, and {@code namespace}/{@code pod} when the call is about a pod), puts
 * {@code provider} into the MDC (the span puts {@code traceId} and {@code spanId}), and turns whatever the plugin
 * throws into a {@link ProviderException} (kept as is when it already is one), recording it on the
 * span with a status that matches its class. A stream the plugin returns is wrapped
 * ({@link PluginInputStream}) so reading it later, on another thread, is contained the same way.
 */
final class ProviderCalls implements InvocationHandler {

    /** The package whose interfaces a provider may implement (and the proxy re-exposes). */
    private static final String API_PACKAGE = PodLifecycleHandler.class.getPackageName();

    private final Object target;
    private final ClassLoader pluginLoader;
    private final String providerName;
    private final Tracer tracer;
    private final Instrumentation metrics;

    private ProviderCalls(Object target, ClassLoader pluginLoader, String providerName, Tracer tracer,
            Instrumentation metrics) {
        this.target = target;
        this.pluginLoader = pluginLoader;
        this.providerName = providerName;
        this.tracer = tracer;
        this.metrics = metrics;
    }

    /** Wraps {@code provider} in a proxy exposing every provider-API interface it implements. */
    static PodLifecycleHandler wrap(PodLifecycleHandler provider, ClassLoader pluginLoader, String providerName,
            Tracer tracer, Instrumentation metrics) {
        Objects.requireNonNull(provider, "provider");
        Set<Class<?>> interfaces = new LinkedHashSet<>();
        collectApiInterfaces(provider.getClass(), interfaces);
        ProviderCalls handler = new ProviderCalls(provider, pluginLoader, providerName, tracer, metrics);
        return (PodLifecycleHandler) Proxy.newProxyInstance(
                ProviderCalls.class.getClassLoader(), interfaces.toArray(Class<?>[]::new), handler);
    }

    /** Wraps a plugin's factory so that {@code create} runs with the plugin's loader, traced and contained. */
    static ProviderFactory wrapFactory(ProviderFactory factory, ClassLoader pluginLoader, String providerName,
            Tracer tracer) {
        ProviderCalls handler = new ProviderCalls(factory, pluginLoader, providerName, tracer, Instrumentation.NOOP);
        return (ProviderFactory) Proxy.newProxyInstance(
                ProviderCalls.class.getClassLoader(), new Class<?>[] {ProviderFactory.class}, handler);
    }

    private static void collectApiInterfaces(Class<?> type, Set<Class<?>> into) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Class<?> i : c.getInterfaces()) {
                if (i.getPackageName().equals(API_PACKAGE)) {
                    into.add(i);
                }
                collectApiInterfaces(i, into);
            }
        }
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                default -> "provider " + providerName + " (" + target.getClass().getName() + ")";
            };
        }
        String spanName = "provider." + method.getDeclaringClass().getSimpleName() + "." + method.getName();
        try (LoaderSwap swap = LoaderSwap.to(pluginLoader);
                Span span = tracer.startSpan(spanName);
                MdcFields mdc = MdcFields.put(Map.of("provider", providerName))) {
            span.attribute("provider", providerName).attribute("operation", method.getName());
            describeArguments(span, args);
            long start = System.nanoTime();
            try {
                Object result = method.invoke(target, args);
                metrics.providerCall(providerName, method.getName(), Duration.ofNanos(System.nanoTime() - start), null);
                return result instanceof InputStream in ? new PluginInputStream(in, pluginLoader, providerName)
                        : result;
            } catch (InvocationTargetException e) {
                ProviderException failure = contain(method, e.getCause());
                span.recordFailure(statusOf(failure), failure);
                metrics.providerCall(providerName, method.getName(), Duration.ofNanos(System.nanoTime() - start),
                        failure.getClass().getSimpleName());
                throw failure;
            } catch (IllegalAccessException e) {
                ProviderException failure = contain(method, e);
                span.recordFailure(SpanStatus.INTERNAL, failure);
                metrics.providerCall(providerName, method.getName(), Duration.ofNanos(System.nanoTime() - start),
                        failure.getClass().getSimpleName());
                throw failure;
            }
        }
    }

    private static void describeArguments(Span span, Object[] args) {
        if (args == null) {
            return;
        }
        for (Object arg : args) {
            if (arg instanceof V1Pod pod && pod.getMetadata() != null) {
                span.attribute("namespace", String.valueOf(pod.getMetadata().getNamespace()));
                span.attribute("pod", String.valueOf(pod.getMetadata().getName()));
                return;
            }
        }
        if (args.length >= 2 && args[0] instanceof String namespace && args[1] instanceof String name) {
            span.attribute("namespace", namespace);
            span.attribute("pod", name);
        }
    }

    private ProviderException contain(Method method, Throwable cause) {
        if (cause instanceof ProviderException known) {
            return known;
        }
        return new ProviderException("provider '" + providerName + "' failed in " + method.getName() + ": "
                + cause.getClass().getName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage()), cause);
    }

    /** The span status for a shared provider error. */
    static SpanStatus statusOf(ProviderException failure) {
        if (failure instanceof NotFoundException) {
            return SpanStatus.NOT_FOUND;
        }
        if (failure instanceof InvalidInputException) {
            return SpanStatus.INVALID_ARGUMENT;
        }
        if (failure instanceof RetriableException) {
            return SpanStatus.UNAVAILABLE;
        }
        return SpanStatus.UNKNOWN;
    }

    /** Puts MDC fields until closed, then restores what was there. */
    private static final class MdcFields implements AutoCloseable {
        private final Map<String, String> previous = new java.util.HashMap<>();

        static MdcFields put(Map<String, String> fields) {
            MdcFields scope = new MdcFields();
            fields.forEach((k, v) -> {
                scope.previous.put(k, MDC.get(k));
                MDC.put(k, v);
            });
            return scope;
        }

        @Override
        public void close() {
            previous.forEach((k, v) -> {
                if (v == null) {
                    MDC.remove(k);
                } else {
                    MDC.put(k, v);
                }
            });
        }
    }
}
