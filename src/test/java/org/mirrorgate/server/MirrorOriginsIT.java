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
        return cliExpecting(0, args);
    }

    private String cliExpecting(int exit, String... args) {
        return org.mirrorgate.cli.CliAccess.run(server.grpcPort(), exit, args);
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

    @Test
    void apiMirrorsAreAddedEditedAndRemovedLiveDurablyAndBadInputChangesNothing() throws Exception {
        String m1 = "  - {name: m1, https-url: \"https://m1.example.org/debian/\", trusted: true}\n";
        startWith(m1);
        String before = cli("mirrors");
        assertThat(cliExpecting(1, "add", "m1", "--https-url", "https://x.example.org/"))
                .contains("ALREADY_EXISTS: mirror m1 already exists (origin config)");
        assertThat(cliExpecting(1, "add", "m2", "--https-url", "http://m2.example.org/debian/"))
                .contains("INVALID_ARGUMENT").contains("https-url");
        assertThat(cliExpecting(1, "add", "m2", "--http-url", "not a url"))
                .contains("INVALID_ARGUMENT").contains("http-url");
        assertThat(cliExpecting(1, "add", "m2", "--https-url", "https://m2.example.org/debian/", "--score", "5000"))
                .contains("score: 5000 (expected: a whole number, -100 .. 1000)");
        assertThat(cliExpecting(1, "add", "m2")).contains("http-url: (missing)");
        assertThat(cliExpecting(1, "edit", "m1", "--set", "score=5"))
                .contains("FAILED_PRECONDITION: mirror m1 is declared in the config file");
        assertThat(cliExpecting(1, "remove", "-f", "nope")).contains("NOT_FOUND: mirror: nope");
        assertThat(cli("mirrors")).as("refused input changed nothing").isEqualTo(before);

        assertThat(cli("add", "m2", "--https-url", "https://m2.example.org/debian/", "--country", "DE,AT", "--trusted"))
                .contains("m2: added (origin api, disabled)");
        assertThat(row(cli("mirrors"), "m2")).containsPattern("m2 +api +no ");
        assertThat(cli("edit", "m2", "--set", "score=20", "--set", "countries=[FR]")).contains("+ score: 20");
        assertThat(cliExpecting(1, "edit", "m2", "--set", "score=abc")).contains("score: abc");
        assertThat(cli("enable", "m2")).contains("m2: enabled");

        startWith(m1); // durable: the store kept what was acknowledged
        String shown = cli("show", "m2");
        assertThat(shown).contains("# origin: api").contains("score: 20").contains("- FR").contains("enabled: true");
        assertThat(row(cli("mirrors"), "m2")).containsPattern("m2 +api +yes ");
        assertThat(cli("remove", "-f", "m2")).contains("m2: removed");

        startWith(m1);
        assertThat(row(cli("mirrors"), "m2")).isEqualTo("(no row for m2)");
    }

    @Test
    void ofTwoConcurrentAddsOfOneNameTheSecondIsRefused() throws Exception {
        startWith("  - {name: m1, https-url: \"https://m1.example.org/debian/\", trusted: true}\n");
        var results = java.util.stream.IntStream.range(0, 2).parallel()
                .mapToObj(i -> {
                    var cli = org.mirrorgate.cli.CliAccess.commandLine();
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    cli.setErr(new PrintWriter(out, true));
                    cli.setOut(new PrintWriter(out, true));
                    int code = cli.execute("add", "--target=127.0.0.1:" + server.grpcPort(), "same",
                            "--https-url", "https://s" + i + ".example.org/");
                    return code + " " + out;
                }).toList();
        assertThat(results).filteredOn(r -> r.startsWith("0 ")).hasSize(1);
        assertThat(results).filteredOn(r -> r.startsWith("1 ")).singleElement().asString()
                .contains("ALREADY_EXISTS: mirror same already exists (origin api)");
    }

    @Test
    void editOpensTheDefinitionInTheEditorShowsTheChangedLinesAndAppliesThem() throws Exception {
        startWith("  - {name: m1, https-url: \"https://m1.example.org/debian/\", trusted: true}\n");
        assertThat(cliExpecting(1, "add", "m2", "--https-url", "https://m2.example.org/debian/",
                "--sponsor-url", "javascript:alert(1)")).contains("INVALID_ARGUMENT").contains("sponsor-url");
        cli("add", "m2", "--https-url", "https://m2.example.org/debian/", "--score", "20", "--sponsor-name",
                "Example University", "--sponsor-url", "https://www.example.edu/", "--admin-name", "Mirror Team",
                "--admin-email", "mirrors@example.edu", "--comment", "10 Gbit/s");
        assertThat(cli("show", "m2")).contains("sponsor-name: Example University")
                .contains("sponsor-url: https://www.example.edu/").contains("admin-email: mirrors@example.edu")
                .contains("admin-name: Mirror Team").contains("comment: 10 Gbit/s");
        // The CLI as a terminal user runs it, in its own process: $EDITOR is a script that edits the file.
        Path editor = dir.resolve("editor.sh");
        Files.writeString(editor, "#!/bin/sh\nsed -i 's/^score: 20$/score: 30/' \"$1\"\n");
        editor.toFile().setExecutable(true);
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.mirrorgate.cli.Main", "edit", "m2",
                "--target=127.0.0.1:" + server.grpcPort()).redirectErrorStream(true);
        pb.environment().remove("VISUAL");
        pb.environment().put("EDITOR", editor.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out).contains("- score: 20").contains("+ score: 30").contains("m2: updated");
        assertThat(cli("show", "m2")).contains("score: 30");

        Files.writeString(editor, "#!/bin/sh\nexit 3\n");
        p = pb.start();
        out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isEqualTo(1);
        assertThat(out).contains("exited with 3; nothing changed");
        assertThat(cli("show", "m2")).contains("score: 30");
    }
}
