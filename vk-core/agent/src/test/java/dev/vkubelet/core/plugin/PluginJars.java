package dev.vkubelet.core.plugin;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

/** Builds real plugin jars at test time: compiles sources against the test class path and packs them. */
final class PluginJars {

    private PluginJars() {}

    /** A jar description: manifest attributes, Java sources by class name, extra files by path. */
    record Spec(Map<String, String> manifest, Map<String, String> sources, Map<String, String> files) {}

    static Path build(Path dir, String jarName, Spec spec) throws IOException {
        Path classes = Files.createTempDirectory("plugin-classes");
        if (!spec.sources().isEmpty()) {
            compile(classes, spec.sources());
        }
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        spec.manifest().forEach((k, v) -> manifest.getMainAttributes().putValue(k, v));
        Path jar = dir.resolve(jarName);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
                Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, out);
                out.closeEntry();
            }
            for (Map.Entry<String, String> extra : spec.files().entrySet()) {
                out.putNextEntry(new JarEntry(extra.getKey()));
                out.write(extra.getValue().getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return jar;
    }

    private static void compile(Path classes, Map<String, String> sources) throws IOException {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        List<JavaFileObject> units = new ArrayList<>();
        sources.forEach((className, code) -> units.add(new SimpleJavaFileObject(
                URI.create("string:///" + className.replace('.', '/') + ".java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return code;
            }
        }));
        List<String> options = List.of("-proc:none", "-d", classes.toString(),
                "-classpath", System.getProperty("java.class.path"));
        java.io.StringWriter diagnostics = new java.io.StringWriter();
        boolean ok = compiler.getTask(diagnostics, null, null, options, null, units).call();
        if (!ok) {
            throw new IOException("test plugin did not compile:\n" + diagnostics);
        }
    }

    /** Writes {@code text} to {@code out}; a helper for sources. */
    static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
    }
}
