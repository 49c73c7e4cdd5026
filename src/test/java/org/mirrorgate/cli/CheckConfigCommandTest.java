package org.mirrorgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CheckConfigCommandTest {

    @TempDir
    Path dir;

    private String checkConfig(String policies) throws Exception {
        Files.createDirectories(dir.resolve("repo"));
        Path config = dir.resolve("mirrorgate.yaml");
        Files.writeString(config, "repository:\n  root: repo\npolicies:\n" + policies);
        CommandLine cli = Main.commandLine();
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        assertThat(cli.execute("check-config", "--config", config.toString())).as(out.toString()).isZero();
        return out.toString();
    }

    @Test
    void warnsAboutRulesThatMixTwoPushesOfARelease() throws Exception {
        // issue 19 points 1 and 2: the former sample recommendation
        String out = checkConfig("""
                  - {match: "dists/**/InRelease", policy: local}
                  - {match: "dists/**", policy: allow-outdated, minutes: 60}
                """);
        assertThat(out).contains("ok", "  warning: policies: dists/** (allow-outdated) matches release metadata",
                "  warning: policies: dists/sid/InRelease is served local (dists/**/InRelease) but "
                        + "dists/sid/main/binary-amd64/Packages.xz is redirected");
    }

    @Test
    void theRecommendedRulesGiveNoWarning() throws Exception {
        String out = checkConfig("""
                  - {match: "dists/**", policy: strict}
                  - {match: "**", policy: local, smaller-than: 4KiB}
                """);
        assertThat(out).contains("ok").doesNotContain("warning");
    }
}
