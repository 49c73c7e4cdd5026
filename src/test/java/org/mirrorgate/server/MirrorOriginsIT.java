package org.mirrorgate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorgate.config.ConfigLoader;

/**
 * The origin rules of issue 14.1 as an operator meets them: the real service with its embedded
 * store, restarted on an edited config file, driven by the real CLI.
 */
class MirrorOriginsIT {

    @TempDir
    Path dir;
    private MirrorgateServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private void startWith(String mirrors) throws Exception {
        if (server != null) {
            server.stop();
        }
        Files.createDirectories(dir.resolve("repo/pool"));
        Files.writeString(dir.resolve("repo/pool/a.deb"), "a");
        Files.writeString(dir.resolve("mirrorgate.yaml"), """
                repository: {root: repo, url-prefix: /debian/}
                listen: {grpc: "127.0.0.1:0", metrics: "127.0.0.1:0"}
                resolve: {warmup-calls: 100}
                store: {path: state}
                mirrors:
                """ + mirrors);
        server = MirrorgateServer.create(ConfigLoader.load(dir.resolve("mirrorgate.yaml")));
        server.start();
        await().atMost(Duration.ofSeconds(30)).until(server::isServing);
    }

    /** Runs one CLI command against the running service; returns what it printed. */
    private String cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        var cli = org.mirrorgate.cli.CliAccess.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        String[] all = new String[args.length + 1];
        all[0] = args[0];
        all[1] = "--target=127.0.0.1:" + server.grpcPort();
        System.arraycopy(args, 1, all, 2, args.length - 1);
        assertThat(cli.execute(all)).as("exit code of %s: %s", String.join(" ", args), out).isZero();
        return out.toString();
    }

    private static String row(String table, String mirror) {
        return table.lines().filter(l -> l.startsWith(mirror + " ")).findFirst().orElse("(no row for " + mirror + ")");
    }

    @Test
    void configMirrorsFollowTheFileAndAnOverrideLastsUntilClearedOrTheFileChanges() throws Exception {
        String m1 = "  - {name: m1, https-url: \"https://m1.example.org/debian/\", trusted: true}\n";
        String m2 = "  - {name: m2, https-url: \"https://m2.example.org/debian/\", trusted: true}\n";
        String m2off = "  - {name: m2, https-url: \"https://m2.example.org/debian/\", trusted: true, enabled: false}\n";
        startWith(m1 + m2);
        assertThat(cli("disable", "m1")).contains("m1: disabled (overrides the config file's enabled: true");

        startWith(m1 + m2);
        String table = cli("mirrors");
        assertThat(row(table, "m1")).as("the override outlives a restart").containsPattern("m1 +config +no \\(override\\)");
        assertThat(row(table, "m2")).containsPattern("m2 +config +yes ");
        assertThat(cli("enable", "--clear", "m1")).contains("m1: enabled (as the config file says)");

        startWith(m1 + m2off);
        assertThat(row(cli("mirrors"), "m2")).as("the file's enabled: false is followed").containsPattern("m2 +config +no ");

        startWith(m1);
        table = cli("mirrors");
        assertThat(row(table, "m2")).as("removed from the file: removed").isEqualTo("(no row for m2)");
        assertThat(row(table, "m1")).containsPattern("m1 +config +yes ");
    }
}
