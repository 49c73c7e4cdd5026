package org.mirrorgate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorgate.config.ConfigLoader;
import org.mirrorgate.store.ChildJvm;

/**
 * Reload without a restart (issue 14.3) as an operator meets it: the real service with its embedded
 * store, its config file edited, `mirrorgate reload` (the Reload RPC) or SIGHUP, the real CLI.
 */
class ConfigReloadIT {

    static final String M1 = "  - {name: m1, https-url: \"https://m1.example.org/debian/\", trusted: true}\n";
    static final String M2 = "  - {name: m2, https-url: \"https://m2.example.org/debian/\", trusted: true}\n";
    static final String M3 = "  - {name: m3, https-url: \"https://m3.example.org/debian/\", trusted: true}\n";
    static final String FILE = "/debian/pool/a.deb";

    @TempDir
    Path dir;
    private MirrorgateServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private Path writeConfig(String extra, String mirrors) throws Exception {
        Files.createDirectories(dir.resolve("repo/pool"));
        Files.writeString(dir.resolve("repo/pool/a.deb"), "a");
        Path yaml = dir.resolve("mirrorgate.yaml");
        Files.writeString(yaml, """
                repository: {root: repo, url-prefix: /debian/}
                listen: {grpc: "127.0.0.1:0", metrics: ""}
                resolve: {warmup-calls: 100}
                store: {path: state}
                """ + extra + "mirrors:" + (mirrors.isEmpty() ? " []\n" : "\n" + mirrors));
        return yaml;
    }

    private void startWith(String extra, String mirrors) throws Exception {
        if (server != null) {
            server.stop();
        }
        Path yaml = writeConfig(extra, mirrors);
        server = MirrorgateServer.create(ConfigLoader.load(yaml), yaml);
        server.start();
        await().atMost(Duration.ofSeconds(30)).until(server::isServing);
    }

    private String cli(String... args) {
        return cliExpecting(0, args);
    }

    private String cliExpecting(int exit, String... args) {
        return cliAt(server.grpcPort(), exit, args);
    }

    static String cliAt(int port, int exit, String... args) {
        return org.mirrorgate.cli.CliAccess.run(port, exit, args);
    }

    private static String row(String table, String mirror) {
        return table.lines().filter(l -> l.startsWith(mirror + " ")).findFirst().orElse("(no row for " + mirror + ")");
    }

    @Test
    void configMirrorsFollowTheFileOnReloadAndARunTimeOverrideLastsUntilTheFileChangesIt() throws Exception {
        startWith("", M1 + M2);
        assertThat(cli("disable", "m1")).contains("m1: disabled (overrides");
        assertThat(cli("reload")).as("an unchanged file").contains("nothing changed");

        String m1Scored = "  - {name: m1, https-url: \"https://m1.example.org/debian/\", trusted: true, score: 20}\n";
        writeConfig("", m1Scored + M3);
        String out = cli("reload");
        assertThat(out).contains("applied       mirror m1: changed [score]")
                .contains("applied       mirror m3: added (enabled)")
                .contains("applied       mirror m2: removed (no longer in the config file; its statistics stay)");
        String table = cli("mirrors");
        assertThat(row(table, "m2")).isEqualTo("(no row for m2)");
        assertThat(row(table, "m3")).containsPattern("m3 +config +yes ");
        assertThat(row(table, "m1")).as("a change of another key keeps the override")
                .containsPattern("m1 +config +no \\(override\\)");
        assertThat(cli("show", "m1")).contains("score: 20");

        String m1Off = "  - {name: m1, https-url: \"https://m1.example.org/debian/\", trusted: true, score: 20, enabled: false}\n";
        String m1On = m1Scored;
        writeConfig("", m1Off + M3);
        assertThat(cli("reload")).contains("mirror m1: changed [enabled] (enabled: false replaces any run-time override)");
        assertThat(row(cli("mirrors"), "m1")).containsPattern("m1 +config +no ");
        writeConfig("", m1On + M3);
        cli("reload");
        assertThat(row(cli("mirrors"), "m1")).as("the file's own enabled now decides").containsPattern("m1 +config +yes ");

        startWith("", m1On + M3); // what a reload acknowledged is what the store restores
        table = cli("mirrors");
        assertThat(row(table, "m1")).containsPattern("m1 +config +yes ");
        assertThat(row(table, "m2")).isEqualTo("(no row for m2)");
        assertThat(row(table, "m3")).containsPattern("m3 +config +yes ");
    }

    @Test
    void aBadFileIsRefusedWholeAndTheRunningConfigStays() throws Exception {
        startWith("", M1);
        assertThat(cli("add", "api1", "--https-url", "https://api1.example.org/debian/", "--enable", "--trusted"))
                .contains("api1: added");
        String before = cli("mirrors");
        String decided = cli("resolve", FILE, "--ip", "192.0.2.1");

        // m2 is fine, the second listen: is not: nothing of the file may take effect
        writeConfig("listen: {grpc: \"0.0.0.0:0\"}\n", M1 + M2);
        assertThat(cliExpecting(1, "reload")).contains("FAILED_PRECONDITION").contains("refused, nothing changed")
                .contains("listen");
        writeConfig("", M1 + M2 + "  - {name: m3, https-url: \"http://m3.example.org/debian/\"}\n");
        assertThat(cliExpecting(1, "reload")).contains("refused, nothing changed").contains("https-url");
        writeConfig("", M1 + M2 + "  - {name: api1, https-url: \"https://elsewhere.example.org/debian/\"}\n");
        assertThat(cliExpecting(1, "reload")).contains("refused, nothing changed")
                .contains("mirror api1 is declared in the config file and was added through the admin API");
        Files.writeString(dir.resolve("mirrorgate.yaml"), "repository: {root: repo\n");
        assertThat(cliExpecting(1, "reload")).contains("refused, nothing changed");

        assertThat(cli("mirrors")).as("every refused file changed nothing").isEqualTo(before);
        assertThat(cli("resolve", FILE, "--ip", "192.0.2.1")).isEqualTo(decided);
    }

    @Test
    void keysThatNeedARestartAreNamedAndKeepTheirRunningValues() throws Exception {
        startWith("", M1);
        int port = server.grpcPort();
        String yaml = Files.readString(dir.resolve("mirrorgate.yaml"))
                .replace("listen: {grpc: \"127.0.0.1:0\", metrics: \"\"}", "listen: {grpc: \"127.0.0.1:7399\", metrics: \"\"}")
                .replace("store: {path: state}", "store: {path: elsewhere}");
        Files.writeString(dir.resolve("mirrorgate.yaml"), yaml);
        String out = cli("reload");
        assertThat(out).contains("needs restart listen.grpc (the running value stays)")
                .contains("needs restart store.path (the running value stays)");
        assertThat(server.grpcPort()).isEqualTo(port);
        assertThat(cli("reload")).as("still named: the running value still differs from the file")
                .contains("needs restart listen.grpc");
    }

    @Test
    void fallbacksAndPoliciesChangeWithoutARestart() throws Exception {
        startWith("", "");
        assertThat(cli("resolve", FILE, "--ip", "192.0.2.1")).contains("SERVE_LOCAL");
        writeConfig("fallbacks:\n  - {name: origin, http-url: \"http://origin.example.org/debian/\"}\n", "");
        assertThat(cli("reload")).contains("applied       fallbacks: changed");
        assertThat(cli("resolve", FILE, "--ip", "192.0.2.1")).contains("http://origin.example.org/debian/pool/a.deb");
        writeConfig("fallbacks:\n  - {name: origin, http-url: \"http://origin.example.org/debian/\"}\n"
                + "policies:\n  - {match: \"pool/**\", policy: local}\n", "");
        assertThat(cli("reload")).contains("applied       policies: changed");
        assertThat(cli("resolve", FILE, "--ip", "192.0.2.1")).contains("SERVE_LOCAL").contains("path policy local");
    }

    @Test
    void anApiMirrorExportedAndPastedIntoTheFileIsTakenOverOnReload() throws Exception {
        startWith("", M1);
        cli("add", "api1", "--https-url", "https://api1.example.org/debian/", "--country", "DE", "--trusted",
                "--score", "7");
        cli("enable", "api1");
        String exported = cli("export", "yaml");
        String entries = exported.substring(exported.indexOf("mirrors:\n") + "mirrors:\n".length());
        writeConfig("", M1 + entries);
        assertThat(cli("reload")).contains("mirror api1: taken over by the config file");
        assertThat(row(cli("mirrors"), "api1")).containsPattern("api1 +config +yes ");
        assertThat(cli("show", "api1")).contains("# origin: config").contains("score: 7").contains("- DE");
        startWith("", M1 + entries);
        assertThat(row(cli("mirrors"), "api1")).as("still the file's after a restart").containsPattern("api1 +config +yes ");
    }

    @Test
    void sighupReloadsTheFileAndABadFileLeavesTheServiceRunning() throws Exception {
        Path yaml = writeConfig("", M1);
        try (ChildJvm child = ChildJvm.start(ServerMain.class, yaml.toString())) {
            int port = Integer.parseInt(child.awaitLine("PORT ", Duration.ofSeconds(60)).substring(5));
            await().atMost(Duration.ofSeconds(30)).until(() -> cliAt(port, 0, "mirrors").contains("m1 "));
            writeConfig("", M1 + M2);
            kill("-HUP", child.pid());
            await().atMost(Duration.ofSeconds(20)).until(() -> cliAt(port, 0, "mirrors").contains("m2 "));
            Files.writeString(yaml, "mirrors: [\n");
            kill("-HUP", child.pid());
            await().atMost(Duration.ofSeconds(20)).until(() -> child.lines().stream()
                    .anyMatch(l -> l.contains("config reload refused, the running config stays")));
            assertThat(cliAt(port, 0, "mirrors")).as("SIGHUP does not stop the JVM, and the bad file changed nothing")
                    .contains("m1 ").contains("m2 ");
        }
    }

    private static void kill(String signal, long pid) throws Exception {
        assertThat(new ProcessBuilder("kill", signal, Long.toString(pid)).inheritIO().start().waitFor()).isZero();
    }
}
