package org.mirrorgate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * docs/architecture.md cannot drift from the code: its package graph is the one jdeps finds in the
 * compiled classes, and its package table has one row for each package and no other. On a
 * mismatch the failure prints the block to paste; {@code -Dmirrorgate.writeDocs=true} writes it.
 */
class ArchitectureDocTest {

    private static final Path DOC = Path.of("docs/architecture.md");
    private static final String BEGIN = "<!-- package-graph: checked by ArchitectureDocTest -->\n";
    private static final String END = "<!-- /package-graph -->";
    private static final String PREFIX = "org.mirrorgate.";
    /** Generated from proto/: the gRPC messages and stubs, not a package of ours. */
    private static final String GENERATED = PREFIX + "api.v1";
    private static final Pattern TABLE_ROW = Pattern.compile("(?m)^\\| `([a-z.]+)` \\|");

    @Test
    void thePackageGraphInTheDocIsTheCodes() throws IOException {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        int from = doc.indexOf(BEGIN);
        int to = doc.indexOf(END);
        assertThat(from).as("%s has the marker %s", DOC, BEGIN.strip()).isNotNegative();
        assertThat(to).as("%s has the marker %s", DOC, END).isGreaterThan(from);
        String expected = "```text\n" + render(PackageCyclesTest.packageGraph()) + "```\n";
        String actual = doc.substring(from + BEGIN.length(), to);
        if (!actual.equals(expected) && Boolean.getBoolean("mirrorgate.writeDocs")) {
            Files.writeString(DOC, doc.substring(0, from + BEGIN.length()) + expected + doc.substring(to));
            return;
        }
        assertThat(actual).withFailMessage("the package graph in %s is not the code's; replace it with:%n%s"
                + "(or run: mvn test -Dtest=ArchitectureDocTest -Dmirrorgate.writeDocs=true)", DOC, expected)
                .isEqualTo(expected);
    }

    @Test
    void thePackageTableHasARowForEachPackage() throws IOException {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        Set<String> rows = new TreeSet<>();
        Matcher m = TABLE_ROW.matcher(doc);
        while (m.find()) {
            rows.add(m.group(1));
        }
        assertThat(rows).as("packages in the table of %s", DOC).isEqualTo(packages(PackageCyclesTest.packageGraph()));
    }

    /** One line per package, {@code name -> what it uses}, generated code left out. */
    private static String render(Map<String, Map<String, Set<String>>> graph) {
        StringBuilder b = new StringBuilder();
        for (String p : packages(graph)) {
            Set<String> uses = graph.getOrDefault(PREFIX + p, Map.of()).keySet().stream()
                    .filter(u -> !u.equals(GENERATED)).map(u -> u.substring(PREFIX.length()))
                    .collect(Collectors.toCollection(TreeSet::new));
            b.append(String.format("%-13s -> %s%n", p, uses.isEmpty() ? "(nothing of ours)" : String.join(", ", uses)));
        }
        return b.toString();
    }

    private static Set<String> packages(Map<String, Map<String, Set<String>>> graph) {
        Set<String> all = new TreeSet<>();
        graph.forEach((from, uses) -> {
            all.add(from);
            all.addAll(uses.keySet());
        });
        all.remove(GENERATED);
        return all.stream().map(p -> p.substring(PREFIX.length())).collect(Collectors.toCollection(TreeSet::new));
    }
}
