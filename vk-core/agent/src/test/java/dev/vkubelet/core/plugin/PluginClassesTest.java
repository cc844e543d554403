package dev.vkubelet.core.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vkubelet.core.Version;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every class a plugin's own code can reach, class by class through the references in the class
 * files, can be loaded by the plugin's class loader as the host sets it up: a dependency left out
 * of the plugin jar (an exclusion too many) fails the build here, not in a cluster. The runtime
 * paths themselves run in the provider ITs (pods, logs, exec, adoption, throttling through these
 * jars); this covers the code those do not reach, such as the cloud credentials.
 *
 * <p>Reachability is by class, so it over-approximates: libraries refer to integrations they look
 * up at run time and do without (see {@link #OPTIONAL}); those packages are allowed to be absent.
 */
class PluginClassesTest {

    /** Packages the libraries in the plugins use only when present (checked before use). */
    private static final Map<String, List<String>> OPTIONAL = Map.of(
            "mock", List.of(),
            // the AWS Common Runtime's signers and checksums, used with the CRT library only
            "aws", List.of("software/amazon/awssdk/crt/", "software/amazon/awssdk/crtcore/"),
            "azure", List.of(
                    "sun/misc/", // Java 8's internals, which reactor-core probes for
                    "io/micrometer/context/", // reactor-core's context propagation, when that library is there
                    // azure-identity's developer credentials (IntelliJ, VS Code, Windows credential store,
                    // Linux keyring) and on-disk token cache, left out of the plugin: its client-secret and
                    // managed-identity credentials keep tokens in memory and never create them
                    "com/sun/jna/", "com/microsoft/aad/msal4jextensions/"));

    /** The class names a class file refers to (its CONSTANT_Class entries), internal form. */
    static Set<String> referencedClasses(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        if (data.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        data.readUnsignedShort();
        data.readUnsignedShort();
        int count = data.readUnsignedShort();
        String[] utf8 = new String[count];
        int[] classNameIndex = new int[count];
        for (int i = 1; i < count; i++) {
            int tag = data.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = data.readUTF();
                case 7 -> classNameIndex[i] = data.readUnsignedShort();
                case 8, 16, 19, 20 -> data.readUnsignedShort();
                case 3, 4, 9, 10, 11, 12, 17, 18 -> data.readInt();
                case 15 -> {
                    data.readUnsignedByte();
                    data.readUnsignedShort();
                }
                case 5, 6 -> {
                    data.readLong();
                    i++; // takes two slots
                }
                default -> throw new IOException("unknown constant pool tag " + tag);
            }
        }
        Set<String> names = new HashSet<>();
        for (int i = 1; i < count; i++) {
            if (classNameIndex[i] != 0) {
                String name = utf8[classNameIndex[i]];
                int array = name.lastIndexOf('[');
                if (array >= 0) {
                    if (name.charAt(array + 1) != 'L') {
                        continue; // an array of primitives
                    }
                    name = name.substring(array + 2, name.length() - 1);
                }
                names.add(name);
            }
        }
        return names;
    }

    @ParameterizedTest
    @ValueSource(strings = {"mock", "aws", "azure"})
    void everyClassThePluginsOwnCodeReachesLoads(String provider) throws Exception {
        Path dir = Path.of(System.getProperty("vk.plugins.dir", "target/test-plugins"));
        Path jar = dir.resolve(provider + "-plugin.jar");
        assertTrue(Files.isRegularFile(jar), "no plugin jar " + jar);
        Map<String, Set<String>> references = new HashMap<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            for (JarEntry entry : java.util.Collections.list(file.entries())) {
                String name = entry.getName();
                if (name.endsWith(".class") && !name.startsWith("META-INF/") && !name.endsWith("module-info.class")) {
                    try (InputStream in = file.getInputStream(entry)) {
                        references.put(name.substring(0, name.length() - ".class".length()), referencedClasses(in));
                    }
                }
            }
        }
        Deque<String> next = new ArrayDeque<>();
        references.keySet().stream().filter(c -> c.startsWith("dev/vkubelet/provider/")).forEach(next::add);
        assertTrue(!next.isEmpty(), "the plugin holds none of its own classes");
        Set<String> seen = new HashSet<>(next);
        Map<String, Set<String>> missing = new TreeMap<>();
        try (PluginHost host = PluginHost.load(dir, Version.pluginApi())) {
            ClassLoader loader = host.classLoader(provider);
            while (!next.isEmpty()) {
                String from = next.removeFirst();
                for (String to : references.getOrDefault(from, Set.of())) {
                    if (references.containsKey(to)) {
                        if (seen.add(to)) {
                            next.add(to);
                        }
                    } else if (OPTIONAL.get(provider).stream().noneMatch(to::startsWith)
                            && loader.getResource(to + ".class") == null
                            && ClassLoader.getPlatformClassLoader().getResource(to + ".class") == null) {
                        missing.computeIfAbsent(to, k -> new TreeSet<>()).add(from);
                    }
                }
            }
        }
        System.out.printf("%s plugin: %d of its %d classes reachable from its own code%n", provider, seen.size(),
                references.size());
        assertEquals(Map.of(), missing, provider + "-plugin.jar lacks classes its code reaches (class -> who uses it)");
    }
}
