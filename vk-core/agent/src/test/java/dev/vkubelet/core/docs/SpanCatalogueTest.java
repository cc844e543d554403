package dev.vkubelet.core.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * The span catalogue ({@code dist/docs/span-catalogue.md}) is a contract: every span name the host
 * and the shipped plugins can start is in it, and everything it lists is started somewhere.
 *
 * <p>The sources are parsed with the JDK's own compiler API. At each call that starts a span
 * ({@code startSpan}, {@code startServerSpan}, {@code inSpan}, OpenCensus' {@code spanBuilder*})
 * the name argument becomes a shape: a string literal is itself, a concatenation keeps its literal
 * parts and writes {@code *} for the others, and a variable is followed to its initialiser or, for a
 * method parameter, to the arguments of the calls of that method in the same file. In the
 * catalogue, {@code <Something>} stands for a part the code computes ({@code *} in a shape). A
 * name the code knows in full must be listed as it is; a listed name is started when the code has
 * it, or has a computed shape that produces it (e.g. {@code aws.Ecs.RunTask} of
 * {@code aws.<Service>.<Operation>}); a listed template is started when the code has that shape or
 * names it produces (e.g. {@code client.<Operation>} summing up {@code client.ListLogs} and others).
 */
class SpanCatalogueTest {

    private static final Path ROOT = Path.of(System.getProperty("vk.project.root", "../.."));
    private static final List<String> SOURCES = List.of("vk-core/agent/src/main/java", "vk-tracing/opencensus/src/main/java",
            "providers/mock/src/main/java", "providers/aws/src/main/java", "providers/azure/src/main/java",
            "providers/cloud-kit/src/main/java");
    private static final String BINDING = "dev/vkubelet/tracing/opencensus/OpenCensusTracer.java";
    private static final Set<String> STARTERS = Set.of("startSpan", "startServerSpan", "inSpan", "spanBuilder",
            "spanBuilderWithExplicitParent", "spanBuilderWithRemoteParent");

    /** Every span name shape the code can start, each with where. */
    static TreeMap<String, String> shapesInCode() throws IOException {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        TreeMap<String, String> shapes = new TreeMap<>();
        try (StandardJavaFileManager files = compiler.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
            List<Path> paths = new ArrayList<>();
            for (String dir : SOURCES) {
                try (Stream<Path> walk = Files.walk(ROOT.resolve(dir))) {
                    walk.filter(p -> p.toString().endsWith(".java")).forEach(paths::add);
                }
            }
            Iterable<? extends JavaFileObject> units = files.getJavaFileObjectsFromPaths(paths);
            JavacTask task = (JavacTask) compiler.getTask(null, files, null, List.of("-proc:none"), null, units);
            for (CompilationUnitTree unit : task.parse()) {
                new TreePathScanner<Void, Void>() {
                    @Override
                    public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
                        String method = methodName(call);
                        if (STARTERS.contains(method) && !call.getArguments().isEmpty()) {
                            String where = ROOT.relativize(Path.of(unit.getSourceFile().toUri())) + " (" + method + ")";
                            for (String shape : shapes(call.getArguments().get(0), getCurrentPath(), unit, 0)) {
                                // the facade's binding starts whatever name it is given
                                if (!(shape.equals("*") && where.contains(BINDING))) {
                                    shapes.putIfAbsent(shape, where);
                                }
                            }
                        }
                        return super.visitMethodInvocation(call, unused);
                    }
                }.scan(unit, null);
            }
        }
        return shapes;
    }

    private static String methodName(MethodInvocationTree call) {
        ExpressionTree select = call.getMethodSelect();
        return select instanceof MemberSelectTree m ? m.getIdentifier().toString()
                : select instanceof IdentifierTree i ? i.getName().toString() : "";
    }

    /** The shapes {@code name}, found at {@code path} in {@code unit}, can take. */
    private static List<String> shapes(ExpressionTree name, TreePath path, CompilationUnitTree unit, int depth) {
        if (depth > 5) {
            return List.of("*");
        }
        if (name instanceof LiteralTree literal && literal.getValue() instanceof String s) {
            return List.of(s);
        }
        if (name instanceof ParenthesizedTree p) {
            return shapes(p.getExpression(), path, unit, depth);
        }
        if (name instanceof BinaryTree plus && plus.getKind() == Tree.Kind.PLUS) {
            List<String> joined = new ArrayList<>();
            for (String left : shapes(plus.getLeftOperand(), path, unit, depth)) {
                for (String right : shapes(plus.getRightOperand(), path, unit, depth)) {
                    joined.add((left + right).replace("**", "*"));
                }
            }
            return joined;
        }
        if (name instanceof IdentifierTree id) {
            return resolve(id.getName().toString(), path, unit, depth);
        }
        if (name instanceof MemberSelectTree field) {
            return resolve(field.getIdentifier().toString(), path, unit, depth);
        }
        return List.of("*");
    }

    /** A variable's shapes: its initialiser, or (a parameter) the arguments its method is called with. */
    private static List<String> resolve(String variable, TreePath path, CompilationUnitTree unit, int depth) {
        for (TreePath p = path; p != null; p = p.getParentPath()) {
            if (p.getLeaf() instanceof MethodTree method) {
                for (int i = 0; i < method.getParameters().size(); i++) {
                    if (method.getParameters().get(i).getName().contentEquals(variable)) {
                        return argumentsOfCalls(method.getName().toString(), i, unit, depth);
                    }
                }
            }
        }
        List<String> found = new ArrayList<>();
        new TreePathScanner<Void, Void>() {
            @Override
            public Void visitVariable(VariableTree v, Void unused) {
                if (v.getName().contentEquals(variable) && v.getInitializer() != null) {
                    found.addAll(shapes(v.getInitializer(), getCurrentPath(), unit, depth + 1));
                }
                return super.visitVariable(v, unused);
            }
        }.scan(unit, null);
        return found.isEmpty() ? List.of("*") : found;
    }

    private static List<String> argumentsOfCalls(String method, int index, CompilationUnitTree unit, int depth) {
        List<String> found = new ArrayList<>();
        new TreePathScanner<Void, Void>() {
            @Override
            public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
                if (methodName(call).equals(method) && call.getArguments().size() > index) {
                    found.addAll(shapes(call.getArguments().get(index), getCurrentPath(), unit, depth + 1));
                }
                return super.visitMethodInvocation(call, unused);
            }
        }.scan(unit, null);
        return found.isEmpty() ? List.of("*") : found;
    }

    /** The names in the first column of the catalogue's table, {@code <Part>} written {@code *}. */
    static Set<String> catalogue() throws IOException {
        Set<String> names = new TreeSet<>();
        for (String line : Files.readAllLines(ROOT.resolve("dist/docs/span-catalogue.md"))) {
            if (!line.startsWith("| `")) {
                continue;
            }
            Matcher m = Pattern.compile("`([^`]+)`").matcher(line.substring(0, line.indexOf(" | ", 2)));
            while (m.find()) {
                names.add(m.group(1).replaceAll("<[^>]+>", "*"));
            }
        }
        return names;
    }

    private static boolean matches(String shape, String name) {
        String regex = Pattern.quote(shape).replace("*", "\\E.+\\Q");
        return name.matches(regex);
    }

    @Test
    void everySpanTheCodeStartsIsInTheCatalogueAndEveryListedSpanIsStarted() throws IOException {
        TreeMap<String, String> code = shapesInCode();
        Set<String> listed = catalogue();
        assertTrue(code.size() > 25 && listed.size() > 25, "parsed " + code + " and " + listed);
        assertTrue(code.containsKey("pod.event.add") && code.containsKey("provider.*.*") && code.containsKey("pod.sync"),
                "variables were not followed: " + code.keySet());
        List<String> missing = new ArrayList<>();
        code.forEach((shape, where) -> {
            if (!listed.contains(shape)) {
                missing.add(shape + " (" + where + ")");
            }
        });
        assertEquals(List.of(), missing, "started in the code but not in dist/docs/span-catalogue.md");
        List<String> unused = new ArrayList<>();
        for (String name : listed) {
            // a literal may be an example of a computed shape; a template may be what a variable's values share
            boolean started = code.containsKey(name)
                    || !name.contains("*") && code.keySet().stream().anyMatch(shape -> shape.contains("*") && matches(shape, name))
                    || name.contains("*") && code.keySet().stream().anyMatch(shape -> !shape.contains("*") && matches(name, shape));
            if (!started) {
                unused.add(name);
            }
        }
        assertEquals(List.of(), unused, "listed in dist/docs/span-catalogue.md but started nowhere");
    }
}
