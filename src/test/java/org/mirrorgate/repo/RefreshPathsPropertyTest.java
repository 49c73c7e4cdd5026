package org.mirrorgate.repo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.mirrorgate.index.FileTable;

/**
 * Refresh paths from an archive tool or a hostile caller: refused as a whole with every bad path
 * named, or accepted, and then every path lies inside the root, also through symlinks on disk.
 */
class RefreshPathsPropertyTest {

    private static Path root;
    private static Path outside;
    private static final NameFilter FILTER = new NameFilter(List.of(".~tmp~"), true);

    @BeforeContainer
    static void tree() throws IOException {
        root = Files.createTempDirectory("refresh-props").toRealPath();
        outside = Files.createTempDirectory("refresh-outside").toRealPath();
        Files.createDirectories(root.resolve("pool/main"));
        Files.writeString(root.resolve("pool/main/a.deb"), "a");
        Files.writeString(outside.resolve("secret"), "s");
        Files.createSymbolicLink(root.resolve("pool/out"), outside);
        Files.createSymbolicLink(root.resolve("pool/up"), Path.of("../.."));
    }

    @AfterContainer
    static void removeTree() throws IOException {
        for (Path dir : List.of(root, outside)) {
            try (var walk = Files.walk(dir)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    @Provide
    Arbitrary<List<String>> pathLists() {
        Arbitrary<String> pieces = Arbitraries.of("/", "//", ".", "..", "pool", "main", "a.deb", "out", "up", "secret",
                "x", ".~tmp~", "\u0000", "\n", "\u00fc", "ROOT/", "OUT/", "/etc/passwd", " ");
        Arbitrary<String> path = pieces.list().ofMaxSize(8).map(l -> String.join("", l))
                .map(s -> s.replace("ROOT/", root + "/").replace("OUT/", outside + "/"));
        return path.list().ofMinSize(1).ofMaxSize(4);
    }

    @Property(tries = 2000, seed = "13")
    void acceptedPathsStayInsideTheRootAndRefusalsNameEveryBadPath(@ForAll("pathLists") List<String> paths) {
        List<String> accepted;
        try {
            accepted = RefreshPaths.validate(root, root, FileTable.EMPTY, FILTER, paths);
        } catch (RefreshRejectedException e) {
            assertThat(e.getMessage()).startsWith("refused, nothing refreshed: ");
            long named = paths.stream().distinct().filter(p -> e.getMessage().contains("\"" + p + "\": ")).count();
            assertThat(named).isPositive();
            return;
        }
        assertThat(accepted).hasSizeLessThanOrEqualTo(paths.size());
        for (String rel : accepted) {
            assertThat(rel).doesNotStartWith("/").doesNotEndWith("/");
            Path p = root.resolve(rel).normalize();
            assertThat(p).startsWith(root);
            if (Files.exists(p)) {
                try {
                    assertThat(p.toRealPath()).startsWith(root);
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }
            for (String segment : rel.split("/")) {
                assertThat(segment).isNotIn(".", "..", ".~tmp~");
            }
        }
    }
}
