package org.mirrorgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckConfigCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        var cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private Path config(String yaml) throws Exception {
        Path file = dir.resolve("mirrorgate.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    /** check-config's report on a config with these policies (free ports, a repository that exists). */
    private String checkPolicies(String policies) throws Exception {
        Files.createDirectories(dir.resolve("repo"));
        Path file = config("repository:\n  root: repo\nlisten: {grpc: \"127.0.0.1:0\", metrics: \"\"}\n"
                + "store: {path: state}\npolicies:\n" + policies);
        assertThat(run("check-config", "--config", file.toString())).as(err.toString()).isZero();
        return out.toString();
    }

    @Test
    void warnsAboutRulesThatMixTwoPushesOfARelease() throws Exception {
        // issue 19 points 1 and 2: the former sample recommendation
        String report = checkPolicies("""
                  - {match: "dists/**/InRelease", policy: local}
                  - {match: "dists/**", policy: allow-outdated, minutes: 60}
                """);
        assertThat(report).contains("ok", "  warning: policies: dists/** (allow-outdated) matches release metadata",
                "  warning: policies: dists/sid/InRelease is served local (dists/**/InRelease) but "
                        + "dists/sid/main/binary-amd64/Packages.xz is redirected");
    }

    @Test
    void theRecommendedRulesGiveNoWarning() throws Exception {
        String report = checkPolicies("""
                  - {match: "dists/**", policy: strict}
                  - {match: "**", policy: local, smaller-than: 4KiB}
                """);
        assertThat(report).contains("ok").doesNotContain("warning");
    }

    @Test
    void checkConfigAndServeRefuseWhatServeCannotRunWithTheSameMessage() throws Exception {
        Path file = config("""
                repository: {root: /nonexistent/repo}
                admin: {token-file: /nonexistent/token}
                listen: {grpc: "127.0.0.1:0", metrics: ""}
                store: {path: state}
                """);
        assertThat(run("check-config", "-c", file.toString())).isEqualTo(1);
        String expected = "mirrorgate: " + file + ": 2 problems\n"
                + "  repository.root: /nonexistent/repo (no such directory; expected: the directory holding the local"
                + " copy of the archive)\n"
                + "  admin.token-file: /nonexistent/token (no such file; expected: a file holding the admin token)\n";
        assertThat(err.toString()).isEqualTo(expected);
        assertThat(out.toString()).isEmpty();

        err.getBuffer().setLength(0);
        assertThat(run("serve", "-c", file.toString())).isEqualTo(1);
        assertThat(err.toString()).isEqualTo(expected);
    }

    @Test
    void fileOnlyChecksTheFileAloneAsForTheSampleConfig() throws Exception {
        Path sample = Path.of(System.getProperty("mirrorgate.projectDir", ".")).resolve("deploy/mirrorgate.yaml");
        assertThat(run("check-config", "--file-only", "-c", sample.toString())).as(err.toString()).isZero();
        assertThat(out.toString()).startsWith(sample + ": ok (the file only; this host not checked)\n");
    }

    @Test
    void okWithWarningsForGrpcReachableFromOtherHostsWithoutAToken() throws Exception {
        Files.createDirectory(dir.resolve("repo"));
        Path file = config("""
                repository: {root: repo}
                listen: {grpc: "0.0.0.0:0", metrics: ""}
                store: {path: state}
                """);
        assertThat(run("check-config", "-c", file.toString())).as(err.toString()).isZero();
        assertThat(out.toString()).startsWith(file + ": ok\n  warning: listen.grpc: 0.0.0.0:0 is reachable from other"
                + " hosts and admin.token-file is not set");
    }

    @Test
    void aDuplicatedSectionFailsCheckConfig() throws Exception {
        Files.createDirectory(dir.resolve("repo"));
        Path file = config("""
                repository: {root: repo}
                listen: {grpc: "127.0.0.1:0"}
                listen: {grpc: "0.0.0.0:7390"}
                """);
        assertThat(run("check-config", "-c", file.toString())).isEqualTo(1);
        assertThat(err.toString()).contains("listen: given twice in one mapping, at lines 2 and 3");
    }

    @Test
    void durationsArePrintedAsTheConfigFileWritesThem() throws Exception {
        Files.createDirectory(dir.resolve("repo"));
        Path file = config("""
                repository: {root: repo, scan-interval: 5m}
                listen: {grpc: "127.0.0.1:0", metrics: ""}
                store: {path: state}
                """);
        assertThat(run("check-config", "-c", file.toString())).as(err.toString()).isZero();
        assertThat(out.toString()).contains("rescanned every 5m").doesNotContain("PT5M");
    }

    @Test
    void anUnknownKeyIsReportedWithEveryValidKeyOfItsSection() throws Exception {
        Files.createDirectory(dir.resolve("repo"));
        Path file = config("""
                repository: {root: repo, hash: [sha1]}
                listen: {grpc: "127.0.0.1:0", metrics: ""}
                store: {path: state}
                """);
        assertThat(run("check-config", "-c", file.toString())).isEqualTo(1);
        assertThat(err.toString()).contains("repository.hash: unknown key (expected one of: ")
                .contains("hashes", "excludes", "root", "scan-interval");
        assertThat(out.toString()).isEmpty();
    }
}
