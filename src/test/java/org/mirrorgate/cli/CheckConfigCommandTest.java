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
}
