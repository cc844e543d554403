package dev.vkubelet.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** This build's version, and the Kubernetes version the node reports. */
public final class Version {

    /** The Kubernetes version whose kubelet API this node agent speaks. */
    public static final String KUBERNETES_VERSION = "v1.20.2";

    private static final String VERSION = load();

    private Version() {}

    private static String load() {
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "0.0.0-unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "0.0.0-unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The build version, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static String current() {
        return VERSION;
    }

    /**
     * The version plugins are checked against ({@code Plugin-Requires}): the build version without
     * a pre-release suffix, e.g. {@code 0.1.0}.
     */
    public static String pluginApi() {
        int dash = VERSION.indexOf('-');
        return dash < 0 ? VERSION : VERSION.substring(0, dash);
    }

    /** What the node reports as its kubelet version, e.g. {@code v1.20.2-vk-jvm-0.1.0-SNAPSHOT}. */
    public static String kubeletVersion() {
        return KUBERNETES_VERSION + "-vk-jvm-" + VERSION;
    }
}
