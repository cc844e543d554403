package dev.vkubelet.core.testing;

import dev.vkubelet.core.controlplane.ControlPlaneAssets;
import dev.vkubelet.core.controlplane.LocalControlPlane;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Resolves a {@link LocalControlPlane} parameter with one control plane shared by the whole test
 * run: started on first use, stopped when JUnit closes its root store (and by the plane's shutdown
 * hook if the JVM is interrupted). Tests isolate themselves by node name and namespace.
 */
public final class LocalControlPlaneExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(LocalControlPlaneExtension.class);

    @SuppressWarnings("deprecation")
    private record Holder(LocalControlPlane plane)
            implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() {
            plane.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == LocalControlPlane.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent("plane", key -> start(), Holder.class)
                .plane();
    }

    private static Holder start() {
        try {
            return new Holder(LocalControlPlane.start(ControlPlaneAssets.locate(System.getenv()),
                    LocalControlPlane.Options.apiServerOnly()));
        } catch (Exception e) {
            throw new ParameterResolutionException("cannot start the local control plane: " + e.getMessage(), e);
        }
    }
}
