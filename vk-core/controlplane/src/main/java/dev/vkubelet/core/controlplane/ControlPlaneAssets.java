package dev.vkubelet.core.controlplane;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** Where the control plane binaries are. */
public final class ControlPlaneAssets {

    /** The Kubernetes version the install script builds. */
    public static final String VERSION = "v1.20.2";
    /** The script that builds and caches the binaries. */
    public static final String INSTALL_SCRIPT = "dist/scripts/install-control-plane";

    private final Path dir;

    private ControlPlaneAssets(Path dir) {
        this.dir = dir;
    }

    /**
     * Finds the binaries: {@code $VK_CONTROL_PLANE_ASSETS}, then {@code $KUBEBUILDER_ASSETS}, then
     * the install script's cache ({@code $VK_CACHE_DIR}, {@code $XDG_CACHE_HOME/virtual-kubelet} or
     * {@code ~/.cache/virtual-kubelet}).
     *
     * @throws IllegalStateException naming what is missing and how to install it
     */
    public static ControlPlaneAssets locate(Map<String, String> env) {
        for (String var : new String[] {"VK_CONTROL_PLANE_ASSETS", "KUBEBUILDER_ASSETS"}) {
            String value = env.get(var);
            if (value != null && !value.isBlank()) {
                ControlPlaneAssets assets = new ControlPlaneAssets(Path.of(value));
                assets.check(var + "=" + value);
                return assets;
            }
        }
        Path cache = cacheDir(env).resolve("control-plane").resolve(VERSION);
        ControlPlaneAssets assets = new ControlPlaneAssets(cache);
        assets.check(cache.toString());
        return assets;
    }

    static Path cacheDir(Map<String, String> env) {
        String vk = env.get("VK_CACHE_DIR");
        if (vk != null && !vk.isBlank()) {
            return Path.of(vk);
        }
        String xdg = env.get("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("virtual-kubelet");
    }

    private void check(String where) {
        for (String binary : new String[] {"etcd", "kube-apiserver"}) {
            if (!Files.isExecutable(dir.resolve(binary))) {
                throw new IllegalStateException("no executable " + binary + " in " + where + "; run "
                        + INSTALL_SCRIPT + " (or point VK_CONTROL_PLANE_ASSETS at a directory holding etcd and"
                        + " kube-apiserver)");
            }
        }
    }

    /** The directory. */
    public Path dir() {
        return dir;
    }

    /**
     * The {@code kubectl} that tests and scripts use: {@code $VK_KUBECTL} when set, else the one the
     * install script puts next to the control plane (the same version), never whatever is on the PATH.
     *
     * @throws IllegalStateException naming what is missing and how to install it
     */
    public Path kubectl(Map<String, String> env) {
        String given = env.get("VK_KUBECTL");
        if (given != null && !given.isBlank()) {
            Path path = Path.of(given);
            if (!Files.isExecutable(path)) {
                throw new IllegalStateException("VK_KUBECTL=" + given + " is not an executable file");
            }
            return path;
        }
        return binary("kubectl").orElseThrow(() -> new IllegalStateException("no executable kubectl in " + dir
                + "; run " + INSTALL_SCRIPT + " (it adds kubectl " + VERSION + "), or set VK_KUBECTL"));
    }

    /** A binary of the directory, if it is there and executable. */
    public Optional<Path> binary(String name) {
        Path path = dir.resolve(name);
        return Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
    }
}
