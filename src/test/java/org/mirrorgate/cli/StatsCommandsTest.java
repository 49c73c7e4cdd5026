package org.mirrorgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The stats commands' own parsing, before any call (the figures: NginxStatsIT against a real service). */
class StatsCommandsTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void eachStatsCommandAnswersHelp() {
        assertThat(run("stats", "--help")).isZero();
        assertThat(out.toString()).contains("Usage: mirrorgate stats").contains("mirror", "file", "country");
        for (String sub : new String[] {"mirror", "file", "country"}) {
            assertThat(run("stats", sub, "--help")).isZero();
            assertThat(out.toString()).contains("Usage: mirrorgate stats " + sub).contains("--from", "--to", "--by",
                    "--json", "--target");
        }
    }

    @Test
    void aBadPeriodOrLimitIsRefusedBeforeAnyCall() {
        // no service listens on port 1: these must fail on their own arguments, not on the connection
        assertThat(run("stats", "mirror", "m1", "--by", "week", "--target", "127.0.0.1:1")).isNotZero();
        assertThat(err.toString()).contains("--by week: not a period (expected: day, month or year)")
                .doesNotContain("UNAVAILABLE");
        assertThat(run("stats", "file", "**", "--limit", "0", "--target", "127.0.0.1:1")).isNotZero();
        assertThat(err.toString()).contains("--limit 0: (expected: at least 1)").doesNotContain("UNAVAILABLE");
    }

    @Test
    void aDeadTargetSaysWhereToLook() {
        assertThat(run("stats", "country", "DE", "--target", "127.0.0.1:1", "--timeout", "5")).isEqualTo(1);
        assertThat(err.toString()).contains("UNAVAILABLE").contains("is mirrorgate running there? see --target");
        assertThat(out.toString()).as("no half table before the error").isEmpty();
    }
}
