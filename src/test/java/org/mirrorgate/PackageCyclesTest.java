package org.mirrorgate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * No two packages of the service depend on each other, directly or through others: each package
 * can be read, tested and moved with only what it imports. The dependencies are those jdeps finds
 * in the compiled main classes ({@code target/classes}), so a type used without an import (fully
 * qualified) counts too; each Java package counts on its own ({@code scan} and {@code scan.rsync}
 * are two). A failure prints every cycle with the class references that make it.
 */
class PackageCyclesTest {

    private static final Path CLASSES = Path.of("target/classes");

    /** A jdeps {@code -verbose:class} line: {@code   org.a.Foo   -> org.b.Bar   classes}. */
    private static final Pattern EDGE =
            Pattern.compile("^\\s+(org\\.mirrorgate\\.\\S+)\\s+->\\s+(org\\.mirrorgate\\.\\S+)\\s");

    @Test
    void noPackageDependsOnItselfThroughAnother() {
        Map<String, Map<String, Set<String>>> graph = packageGraph();
        assertThat(graph).as("package dependencies found by jdeps in %s", CLASSES).isNotEmpty();
        List<String> report = new ArrayList<>();
        for (Set<String> component : stronglyConnected(graph)) {
            if (component.size() > 1) {
                report.add(describe(component, graph));
            }
        }
        assertThat(report).withFailMessage("%d group(s) of packages that depend on each other in %s:%n%s",
                report.size(), CLASSES, String.join("\n", report)).isEmpty();
    }

    /** Package -> packages it uses -> the class references behind that edge, from jdeps. */
    static Map<String, Map<String, Set<String>>> packageGraph() {
        assertThat(Files.isDirectory(CLASSES)).as("%s (compile the main classes first)", CLASSES).isTrue();
        ToolProvider jdeps = ToolProvider.findFirst("jdeps")
                .orElseThrow(() -> new AssertionError("jdeps is not in this JDK (jdk.jdeps module)"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = jdeps.run(new PrintWriter(out, true), new PrintWriter(err, true), "-verbose:class", "-filter:package",
                "-e", "org\\.mirrorgate\\..*", CLASSES.toString());
        assertThat(rc).as("jdeps exit code; stderr: %s", err).isZero();
        Map<String, Map<String, Set<String>>> graph = new TreeMap<>();
        for (String line : out.toString().split("\\R")) {
            Matcher m = EDGE.matcher(line);
            if (!m.find()) {
                continue;
            }
            String from = packageOf(m.group(1));
            String to = packageOf(m.group(2));
            if (!from.equals(to)) {
                graph.computeIfAbsent(from, k -> new TreeMap<>()).computeIfAbsent(to, k -> new TreeSet<>())
                        .add(m.group(1) + " -> " + m.group(2));
            }
        }
        return graph;
    }

    private static String packageOf(String className) {
        return className.substring(0, className.lastIndexOf('.'));
    }

    /** Tarjan's strongly connected components; a component of two or more packages holds a cycle. */
    private static List<Set<String>> stronglyConnected(Map<String, Map<String, Set<String>>> graph) {
        Set<String> nodes = new TreeSet<>(graph.keySet());
        graph.values().forEach(targets -> nodes.addAll(targets.keySet()));
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<Set<String>> out = new ArrayList<>();
        for (String n : nodes) {
            if (!index.containsKey(n)) {
                connect(n, graph, index, low, stack, onStack, out);
            }
        }
        return out;
    }

    private static void connect(String v, Map<String, Map<String, Set<String>>> graph, Map<String, Integer> index,
            Map<String, Integer> low, Deque<String> stack, Set<String> onStack, List<Set<String>> out) {
        index.put(v, index.size());
        low.put(v, index.get(v));
        stack.push(v);
        onStack.add(v);
        for (String w : graph.getOrDefault(v, Map.of()).keySet()) {
            if (!index.containsKey(w)) {
                connect(w, graph, index, low, stack, onStack, out);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> component = new TreeSet<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            out.add(component);
        }
    }

    /**
     * A shortest cycle through each package of the component (each cycle once), then every edge
     * inside the component with up to three of the class references behind it.
     */
    private static String describe(Set<String> component, Map<String, Map<String, Set<String>>> graph) {
        Set<List<String>> cycles = new LinkedHashSet<>();
        for (String start : component) {
            cycles.add(rotatedToFirst(shortestCycle(start, component, graph)));
        }
        StringBuilder b = new StringBuilder("packages ").append(component).append(':');
        cycles.forEach(c -> b.append("\n  cycle: ").append(String.join(" -> ", c)));
        for (String from : component) {
            for (Map.Entry<String, Set<String>> e : graph.getOrDefault(from, Map.of()).entrySet()) {
                if (component.contains(e.getKey())) {
                    b.append("\n    ").append(from).append(" -> ").append(e.getKey())
                            .append(" (class references: ").append(e.getValue().size()).append(')');
                    e.getValue().stream().limit(3).forEach(r -> b.append("\n        ").append(r));
                }
            }
        }
        return b.toString();
    }

    /** The same cycle starting at its alphabetically first package, so that rotations compare equal. */
    private static List<String> rotatedToFirst(List<String> cycle) {
        List<String> ring = cycle.subList(0, cycle.size() - 1);
        int first = ring.indexOf(new TreeSet<>(ring).first());
        List<String> out = new ArrayList<>(ring.subList(first, ring.size()));
        out.addAll(ring.subList(0, first));
        out.add(out.get(0));
        return out;
    }

    /** Breadth-first within the component, so the cycle is one of the shortest through {@code start}. */
    private static List<String> shortestCycle(String start, Set<String> component,
            Map<String, Map<String, Set<String>>> graph) {
        Map<String, String> parent = new LinkedHashMap<>();
        Deque<String> queue = new ArrayDeque<>(List.of(start));
        while (!queue.isEmpty()) {
            String v = queue.poll();
            for (String w : graph.getOrDefault(v, Map.of()).keySet()) {
                if (!component.contains(w)) {
                    continue;
                }
                if (w.equals(start)) {
                    List<String> path = new ArrayList<>(List.of(start));
                    for (String p = v; !p.equals(start); p = parent.get(p)) {
                        path.add(1, p);
                    }
                    path.add(start);
                    return path;
                }
                if (!parent.containsKey(w)) {
                    parent.put(w, v);
                    queue.add(w);
                }
            }
        }
        throw new IllegalStateException("no cycle through " + start + " in " + component);
    }
}
