package org.mirrorgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorgate.tls.TestCertificates;

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
        assertThat(check(yaml + "admin: {token-file: token}\n").warnings()).singleElement().asString()
                .startsWith("listen.grpc: 0.0.0.0:0 is reachable from other hosts without TLS: the admin token and"
                        + " every request cross the network in clear. Set listen.tls.cert-file and key-file");
        TestCertificates certs = new TestCertificates(dir.resolve("pki"));
        certs.ca("ca");
        certs.issue("ca", "server", "DNS:mirrorgate.example.org");
        assertThat(check(yaml.replace("metrics: \"[::]:0\"}", "metrics: \"[::]:0\", tls: {cert-file: pki/server.pem,"
                + " key-file: pki/server.key}}") + "admin: {token-file: token}\n").warnings()).isEmpty();
    }

    @Test
    void tlsFilesMustExistParseAndTheKeyMustBelongToTheCertificate() throws Exception {
        Files.createDirectory(dir.resolve("repo"));
        TestCertificates certs = new TestCertificates(dir.resolve("pki"));
        certs.ca("ca");
        certs.issue("ca", "server", "DNS:mirrorgate.example.org");
        certs.issue("ca", "other", "DNS:other.example.org");
        String tls = "listen: {grpc: \"127.0.0.1:0\", metrics: \"\", tls: {%s}}\n";
        assertThat(check(valid("").replace("listen: {grpc: \"127.0.0.1:0\", metrics: \"127.0.0.1:0\"}\n",
                tls.formatted("cert-file: pki/server.pem, key-file: pki/server.key, client-ca-file: pki/ca.pem"))).problems())
                .isEmpty();

        Path cert = dir.resolve("pki/server.pem");
        Path wrongKey = dir.resolve("pki/other.key");
        assertThat(tlsProblems(tls, "cert-file: pki/server.pem, key-file: pki/other.key")).containsExactly(
                "listen.tls.key-file: " + wrongKey + " (not the private key of the certificate in " + cert
                        + " (CN=server); expected: the key the certificate was issued for: openssl x509 -noout -pubkey"
                        + " -in CERT and openssl pkey -pubout -in KEY print the same)");
        assertThat(tlsProblems(tls, "cert-file: pki/missing.pem, key-file: pki/server.key")).containsExactly(
                "listen.tls.cert-file: " + dir.resolve("pki/missing.pem") + " (no such file; expected: a PEM file with"
                        + " the certificate chain, leaf first)");
        Files.writeString(dir.resolve("pki/empty.pem"), "not a certificate\n");
        assertThat(tlsProblems(tls, "cert-file: pki/server.pem, key-file: pki/empty.pem, client-ca-file: pki/empty.pem"))
                .hasSize(2)
                .anyMatch(p -> p.startsWith("listen.tls.key-file: " + dir.resolve("pki/empty.pem")) && p.endsWith(
                        "expected: an unencrypted PKCS#8 PEM key (-----BEGIN PRIVATE KEY-----); convert another form with"
                                + " openssl pkcs8 -topk8 -nocrypt -in KEY)"))
                .contains("listen.tls.client-ca-file: " + dir.resolve("pki/empty.pem") + " (not PEM certificates: No"
                        + " certificate data found; expected: a PEM file of CA certificates)");
        Path unreadable = dir.resolve("pki/server.key");
        if (!"root".equals(System.getProperty("user.name"))) { // root reads any file
            Files.setPosixFilePermissions(unreadable, java.nio.file.attribute.PosixFilePermissions.fromString("---------"));
            assertThat(tlsProblems(tls, "cert-file: pki/server.pem, key-file: pki/server.key")).singleElement().asString()
                    .startsWith("listen.tls.key-file: " + unreadable + " (not readable by this user");
        }
    }

    private java.util.List<String> tlsProblems(String listen, String tls) {
        return check(valid("").replace("listen: {grpc: \"127.0.0.1:0\", metrics: \"127.0.0.1:0\"}\n",
                listen.formatted(tls))).problems();
    }

    @Test
    void aSocketGroupMustExistAndAdminOverTheSocketWithoutATokenIsWarnedAbout() throws Exception {
        Files.createDirectory(dir.resolve("repo"));
        Path socket = dir.resolve("grpc.sock");
        Preflight.Result r = check(valid("").replace("metrics: \"127.0.0.1:0\"}", "metrics: \"127.0.0.1:0\","
                + " grpc-socket: " + socket + ", grpc-socket-group: no-such-group-here, grpc-socket-admin: true}"));
        assertThat(r.problems()).containsExactly("listen.grpc-socket-group: no-such-group-here (no such group on this"
                + " host; expected: an existing group (getent group no-such-group-here), e.g. the one Nginx's workers run"
                + " as)");
        assertThat(r.warnings()).containsExactly("listen.grpc-socket-admin: true without admin.token-file: every local"
                + " user who may open " + socket + " (mode 0666, group no-such-group-here) may disable mirrors and"
                + " start scans. Set admin.token-file, or narrow listen.grpc-socket-mode and -group");
    }
}
