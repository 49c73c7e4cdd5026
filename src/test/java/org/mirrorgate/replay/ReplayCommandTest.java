package org.mirrorgate.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mirrorgate.replay.ReplayFixture.FILES;
import static org.mirrorgate.replay.ReplayFixture.T0;
import static org.mirrorgate.replay.ReplayFixture.client;
import static org.mirrorgate.replay.ReplayFixture.combined;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorgate.cli.CliAccess;

/** {@code mirrorgate replay} end to end, in-process: the real CLI, store, GeoIP files and configs. */
class ReplayCommandTest {

    @TempDir
    Path dir;

    private ReplayFixture fx;
    private Path current;
    private Path proposed;
    private Path log;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void setUp() throws Exception {
        fx = new ReplayFixture(dir);
        current = fx.config("current.yaml", "", "", "");
        proposed = dir.resolve("new.yaml");
        java.nio.file.Files.writeString(proposed, java.nio.file.Files.readString(current)
                .replace("countries: [GB]", "countries: [FR], country-only: true"));
        fx.writeStore(current);
        List<String> lines = new ArrayList<>();
        for (int n = 0; n < 1000; n++) {
            boolean germany = n % 4 != 0; // 750 from Berlin, 250 from London
            lines.add(combined(client(germany, n), T0 + n * 1000L, "GET", "/debian/pool/f" + (n % FILES) + ".deb", 302, 154));
        }
        lines.add("not a log line");
        log = fx.writeGzip("access.log.1.gz", lines);
    }

    private int run(String... args) {
        var cli = CliAccess.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void theTableShowsEachMirrorsSharesUnderBothConfigsAndWhatMoved() {
        // new: gb1 serves France only (a wrong country list): London's clients lose their mirror,
        // and go to the DE mirrors of the continent's tier
        assertThat(run("replay", "--current", current.toString(), "--config", proposed.toString(), "--by-country",
                log.toString())).as(err.toString()).isZero();
        String report = out.toString();
        assertThat(report).startsWith("1,000 requests replayed from 1,001 lines in ");
        assertThat(report).contains("(current.yaml -> new.yaml); bad lines: 1, skipped: 0\n");
        assertThat(report).containsPattern("(?m)^TARGET +REQUESTS +SHARE +BYTES +-> +REQUESTS +SHARE +BYTES +CHANGE$");
        assertThat(report).containsPattern("(?m)^gb1 +250 +25\\.0 % +2\\.3 GiB 25\\.0 % +0 +0\\.0 % +0 B 0\\.0 % +-25\\.0$");
        assertThat(report).containsPattern("(?m)^to a mirror +1000 +1000$");
        assertThat(report).contains("250 requests (25.0 %) go elsewhere under the new config");
        assertThat(report).containsPattern("(?m)^GB +gb1 +250 +100\\.0 % +0 +0\\.0 %$");
        assertThat(report).contains("bad lines: 1; the first ones:\n  access.log.1.gz:1001: no [time]\n");
        // London's 250 go to the DE mirrors, Berlin's stay where they were (the same draws)
        assertThat(report).containsPattern("(?m)^GB +de1 +0 +0\\.0 % +\\d+ +\\d+\\.\\d %$");
        assertThat(err.toString()).isEmpty(); // no terminal here: no progress line
    }

    @Test
    void jsonGivesTheSameFiguresForScripts() throws Exception {
        assertThat(run("replay", "--current", current.toString(), "-c", proposed.toString(), "--json",
                log.toString())).as(err.toString()).isZero();
        JsonNode r = new ObjectMapper().readTree(out.toString());
        assertThat(r.get("requests").asLong()).isEqualTo(1000);
        assertThat(r.get("bad_lines").asLong()).isEqualTo(1);
        assertThat(r.get("changed").asLong()).isEqualTo(250);
        assertThat(r.get("current").get("mirror").asLong()).isEqualTo(1000);
        JsonNode gb1 = null;
        for (JsonNode t : r.get("targets")) {
            if (t.get("name").asText().equals("gb1")) {
                gb1 = t;
            }
        }
        assertThat(gb1).isNotNull();
        assertThat(gb1.get("kind").asText()).isEqualTo("mirror");
        assertThat(gb1.get("current").get("requests").asLong()).isEqualTo(250);
        assertThat(gb1.get("current").get("bytes").asLong()).isEqualTo(250 * ReplayFixture.FILE_SIZE);
        assertThat(gb1.get("new").get("requests").asLong()).isZero();
        assertThat(r.get("countries")).isEmpty(); // not asked for
    }

    @Test
    void errorsSayWhatAndWhere() {
        assertThat(run("replay", "--current", current.toString(), "-c", proposed.toString(),
                dir.resolve("missing.log").toString())).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("mirrorgate: " + dir.resolve("missing.log")
                + ": cannot read this log (no such file, not a file, or no permission)\n");
        assertThat(out.toString()).isEmpty();

        err.getBuffer().setLength(0);
        assertThat(run("replay", "--current", current.toString(), "-c", proposed.toString(), "--store",
                dir.resolve("nowhere").toString(), log.toString())).isEqualTo(1);
        assertThat(err.toString()).startsWith("mirrorgate: " + dir.resolve("nowhere"))
                .contains("no embedded store there");

        err.getBuffer().setLength(0);
        assertThat(run("replay", "--current", dir.resolve("none.yaml").toString(), "-c", proposed.toString(),
                log.toString())).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("mirrorgate: " + dir.resolve("none.yaml") + ": cannot read the current"
                + " config (the one the service runs); pass it with --current FILE\n");

        err.getBuffer().setLength(0);
        assertThat(run("replay", "-c", proposed.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required parameter: 'ACCESS_LOG'").contains("replay --help");

        err.getBuffer().setLength(0);
        assertThat(run("replay", "-c", proposed.toString(), "--format", "xml", log.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--format").contains("xml");
    }

    @Test
    void aCopiedStateDirectoryIsReadWithStore() throws Exception {
        Path copy = dir.resolve("copy");
        java.nio.file.Files.createDirectories(copy);
        try (var files = java.nio.file.Files.list(dir.resolve("state"))) {
            for (Path p : files.toList()) {
                java.nio.file.Files.copy(p, copy.resolve(p.getFileName()));
            }
        }
        assertThat(run("replay", "--current", current.toString(), "-c", current.toString(), "--store",
                copy.toString(), "--json", log.toString())).as(err.toString()).isZero();
        assertThat(new ObjectMapper().readTree(out.toString()).get("changed").asLong()).isZero();
    }
}
