package org.mirrorgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreflightTest {

    @TempDir
    Path dir;

    private MirrorgateConfig config(String yaml) {
        return ConfigLoader.parse(yaml, "test.yaml", dir);
    }

    /** A config serve can run here: an existing root, the store in the temp dir, any free ports. */
    private String valid(String extra) {
        return """
                repository: {root: repo}
                listen: {grpc: "127.0.0.1:0", metrics: "127.0.0.1:0"}
                store: {path: state}
                """ + extra;
    }

    private Preflight.Result check(String yaml) {
        return Preflight.check(config(yaml), true);
    }

    @Test
    void aConfigServeCanRunPassesWithoutWarnings() throws Exception {
        Files.createDirectory(dir.resolve("repo"));
        Files.writeString(dir.resolve("token"), "0123456789abcdef\n");
        Preflight.Result r = check(valid("admin: {token-file: token}\n"));
        assertThat(r.problems()).isEmpty();
        assertThat(r.warnings()).isEmpty();
    }

    @Test
    void aMissingRepositoryRootOrOneThatIsAFileIsAProblem() throws Exception {
        assertThat(check(valid("")).problems()).containsExactly("repository.root: " + dir.resolve("repo")
                + " (no such directory; expected: the directory holding the local copy of the archive)");
        Files.writeString(dir.resolve("repo"), "a file");
        assertThat(check(valid("")).problems()).containsExactly("repository.root: " + dir.resolve("repo")
                + " (not a directory; expected: the directory holding the local copy of the archive)");
    }

    @Test
    void theAdminTokenFileMustExistAndHoldALongEnoughToken() throws Exception {
        Files.createDirectory(dir.resolve("repo"));
        assertThat(check(valid("admin: {token-file: /nonexistent/token}\n")).problems()).containsExactly(
                "admin.token-file: /nonexistent/token (no such file; expected: a file holding the admin token)");
        Files.writeString(dir.resolve("token"), "  short\n");
        assertThat(check(valid("admin: {token-file: token}\n")).problems()).containsExactly(
                "admin.token-file: " + dir.resolve("token") + " (a token of 5 characters; expected: at least 16;"
                        + " e.g. head -c 24 /dev/urandom | base64 > " + dir.resolve("token") + ")");
        Files.createDirectory(dir.resolve("tokendir"));
        assertThat(check(valid("admin: {token-file: tokendir}\n")).problems()).singleElement().asString()
                .contains("(not a regular file;");
    }

    @Test
    void aMissingGeoipFileIsAProblemNamingTheSetting() throws Exception {
        Files.createDirectory(dir.resolve("repo"));
        assertThat(check(valid("geoip: {city-database: city.mmdb}\n")).problems()).singleElement().asString()
                .startsWith("geoip.city-database: " + dir.resolve("city.mmdb")).contains("no such file");
    }

    @Test
    void aPortInUseIsAProblemUnlessPortsAreNotChecked() throws Exception {
        Files.createDirectory(dir.resolve("repo"));
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = taken.getLocalPort();
            String yaml = """
                    repository: {root: repo}
                    listen: {grpc: "127.0.0.1:%d", metrics: ""}
                    store: {path: state}
                    """.formatted(port);
            assertThat(check(yaml).problems()).singleElement().asString()
                    .startsWith("listen.grpc: 127.0.0.1:" + port + " (cannot listen: ")
                    .endsWith("check-config --no-port-check skips this)");
            assertThat(Preflight.check(config(yaml), false).problems()).isEmpty();
        }
    }

    @Test
    void metricsOnTheGrpcPortIsAProblem() throws Exception {
        Files.createDirectory(dir.resolve("repo"));
        assertThat(check("repository: {root: repo}\nlisten: {grpc: \"127.0.0.1:7390\", metrics: \"0.0.0.0:7390\"}\n"
                + "store: {path: state}\n").problems()).contains(
                "listen.metrics: 0.0.0.0:7390 (the port of listen.grpc; expected: another port (or \"\" for no metrics))");
    }

    @Test
    void theStoreDirectoryAndTheSocketDirectoryMustBeUsable() throws Exception {
        Files.createDirectory(dir.resolve("repo"));
        Files.writeString(dir.resolve("file"), "x");
        Preflight.Result r = check("""
                repository: {root: repo}
                listen: {grpc: "127.0.0.1:0", metrics: "", grpc-socket: %s}
                store: {path: file/state}
                scan: {tls-ca-file: ca.pem}
                """.formatted(dir.resolve("run/grpc.sock")));
        assertThat(r.problems()).containsExactly(
                "store.path: " + dir.resolve("file/state") + " (" + dir.resolve("file") + " is not a directory;"
                        + " expected: a directory for the embedded store's file, or one that can be created)",
                "scan.tls-ca-file: " + dir.resolve("ca.pem") + " (no such file; expected: a PEM file of CA certificates,"
                        + " or \"\")",
                "listen.grpc-socket: " + dir.resolve("run/grpc.sock") + " (no directory " + dir.resolve("run")
                        + "; expected: a path in an existing directory (e.g. RuntimeDirectory=mirrorgate under systemd))");
    }

    @Test
    void theDownloadLogMustBeAFileThisUserCanWriteOrCreate() throws Exception {
        Files.createDirectory(dir.resolve("repo"));
        Files.writeString(dir.resolve("file"), "x");
        Files.createDirectory(dir.resolve("adir"));
        assertThat(check(valid("downloads: {log-file: new/dirs/downloads.log}\n")).problems()).as("created").isEmpty();
        assertThat(check(valid("downloads: {log-file: file}\n")).problems()).as("appended to").isEmpty();
        assertThat(check(valid("downloads: {log-file: file/downloads.log}\n")).problems()).containsExactly(
                "downloads.log-file: " + dir.resolve("file/downloads.log") + " (" + dir.resolve("file")
                        + " is not a directory; expected: a file this user may append to, or create (e.g."
                        + " /var/log/mirrorgate/downloads.log with LogsDirectory=mirrorgate under systemd))");
        assertThat(check(valid("downloads: {log-file: adir}\n")).problems()).singleElement().asString()
                .startsWith("downloads.log-file: " + dir.resolve("adir") + " (not a regular file;");
    }

    @Test
    void grpcOrMetricsReachableFromOtherHostsWithoutAnAdminTokenIsWarnedAbout() throws Exception {
        Files.createDirectory(dir.resolve("repo"));
        String yaml = """
                repository: {root: repo}
                listen: {grpc: "0.0.0.0:0", metrics: "[::]:0"}
                store: {path: state}
                """;
        Preflight.Result r = check(yaml);
        assertThat(r.problems()).isEmpty();
        assertThat(r.warnings()).hasSize(2);
        assertThat(r.warnings().get(0)).startsWith("listen.grpc: 0.0.0.0:0 is reachable from other hosts and"
                + " admin.token-file is not set");
        assertThat(r.warnings().get(1)).startsWith("listen.metrics: [::]:0 is reachable from other hosts");
        Files.writeString(dir.resolve("token"), "0123456789abcdef");
        assertThat(check(yaml + "admin: {token-file: token}\n").warnings()).isEmpty();
    }
}
