package org.mirrorgate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorgate.cli.CliAccess;
import org.mirrorgate.config.ConfigLoader;
import org.mirrorgate.tls.TestCertificates;
import org.slf4j.LoggerFactory;

/**
 * The real service with TLS on its gRPC port, certificates made by openssl, driven by the real CLI
 * (in-process) and by a plain JSSE client that reads which certificate the port serves now.
 */
class TlsListenerIT {

    @TempDir
    Path dir;
    private MirrorgateServer server;
    private TestCertificates certs;

    private MirrorgateServer start(String tls) throws Exception {
        Path repo = dir.resolve("repo");
        Files.createDirectories(repo.resolve("pool/main/h"));
        Files.writeString(repo.resolve("pool/main/h/hello.deb"), "hello");
        Files.writeString(dir.resolve("mirrorgate.yaml"), """
                repository: {root: repo, url-prefix: /debian/}
                listen:
                  grpc: "127.0.0.1:0"
                  metrics: ""
                  tls: {%s}
                resolve: {warmup-calls: 200}
                store: {path: state}
                mirrors:
                  - {name: m1, https-url: "https://m1.example.org/debian/", trusted: true}
                """.formatted(tls));
        MirrorgateServer s = MirrorgateServer.create(ConfigLoader.load(dir.resolve("mirrorgate.yaml")));
        s.start();
        // SERVING needs the warm-up, which dials this TLS port itself (with the server's own identity)
        await().atMost(Duration.ofSeconds(60)).until(s::isServing);
        return s;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    /** Runs the real CLI; returns exit code, then stdout and stderr, one string. */
    private static String cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cmd = CliAccess.commandLine();
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int code = cmd.execute(args);
        return code + "\n" + out + err;
    }

    private String target() {
        return "localhost:" + server.grpcPort(); // the certificates name localhost only, not 127.0.0.1
    }

    @Test
    void tlsClientsWithTheCaWorkOthersGetAClearErrorAndARenewedCertificateIsServedWithoutRestart() throws Exception {
        certs = new TestCertificates(dir.resolve("pki"));
        certs.ca("ca");
        certs.ca("other-ca");
        certs.issue("ca", "server", "DNS:localhost");
        server = start("cert-file: pki/server.pem, key-file: pki/server.key, reload-interval: 100ms");
        String ca = certs.cert("ca").toString();

        assertThat(cli("mirrors", "--target", target(), "--ca", ca)).startsWith("0\n").contains("m1");
        assertThat(cli("resolve", "/debian/pool/main/h/hello.deb", "--ip", "192.0.2.1", "--https", "--target",
                target(), "--ca", ca)).startsWith("0\n").contains("https://m1.example.org/debian/pool/main/h/hello.deb");

        assertThat(cli("mirrors", "--target", target()))
                .startsWith("1\n")
                .contains(target() + ": connection closed before any answer")
                .contains("if the service has listen.tls, pass --tls and --ca FILE");
        assertThat(cli("mirrors", "--target", target(), "--ca", certs.cert("other-ca").toString()))
                .startsWith("1\n")
                .contains("mirrorgate: " + target() + ": TLS handshake failed: certificate not trusted; it is not"
                        + " signed by a CA in --ca");
        assertThat(cli("mirrors", "--target", target(), "--tls")) // the system's CAs do not know ours
                .startsWith("1\n")
                .contains(target() + ": TLS handshake failed: certificate not trusted; pass --ca");

        BigInteger first = servedSerial();
        assertThat(first).isEqualTo(read(certs.cert("server")).getSerialNumber());

        // A renewal as certbot or an operator does it: new files moved over the old ones.
        certs.issue("ca", "renewed", "DNS:localhost");
        Files.move(certs.key("renewed"), certs.key("server"), StandardCopyOption.REPLACE_EXISTING);
        Files.move(certs.cert("renewed"), certs.cert("server"), StandardCopyOption.REPLACE_EXISTING);
        BigInteger renewed = read(certs.cert("server")).getSerialNumber();
        await().atMost(Duration.ofSeconds(20)).until(() -> servedSerial().equals(renewed));
        assertThat(cli("mirrors", "--target", target(), "--ca", ca)).startsWith("0\n").contains("m1");
    }

    @Test
    void aCertificateWithoutItsKeyIsNotInstalledAndThePreviousOneServesOn() throws Exception {
        certs = new TestCertificates(dir.resolve("pki"));
        certs.ca("ca");
        certs.issue("ca", "server", "DNS:localhost");
        certs.issue("ca", "next", "DNS:localhost");
        server = start("cert-file: pki/server.pem, key-file: pki/server.key, reload-interval: 100ms");
        BigInteger served = servedSerial();
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(
                org.mirrorgate.tls.ServerTls.class);
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        log.addAppender(seen);
        try {
            // the certificate renewed, its key not (yet): installing it would fail every handshake
            Files.copy(certs.cert("next"), certs.cert("server"), StandardCopyOption.REPLACE_EXISTING);
            await().atMost(Duration.ofSeconds(20)).until(() -> seen.list.stream().anyMatch(e ->
                    e.getFormattedMessage().contains("the changed files were not installed: listen.tls.key-file: ")
                    && e.getFormattedMessage().contains("not the private key of the certificate in")));
            assertThat(servedSerial()).isEqualTo(served);
            assertThat(cli("mirrors", "--target", target(), "--ca", certs.cert("ca").toString())).startsWith("0\n");

            Files.copy(certs.key("next"), certs.key("server"), StandardCopyOption.REPLACE_EXISTING); // the key follows
            BigInteger next = read(certs.cert("next")).getSerialNumber();
            await().atMost(Duration.ofSeconds(20)).until(() -> servedSerial().equals(next));
        } finally {
            log.detachAppender(seen);
        }
    }

    @Test
    void mutualTlsRefusesAClientWithoutACertificateOrWithOneFromAnotherCa() throws Exception {
        certs = new TestCertificates(dir.resolve("pki"));
        certs.ca("ca");
        certs.ca("clients");
        certs.ca("other-ca");
        certs.issue("ca", "server", "DNS:localhost");
        certs.issue("clients", "nginx-host", "DNS:nginx-host");
        certs.issue("other-ca", "stranger", "DNS:stranger");
        server = start("cert-file: pki/server.pem, key-file: pki/server.key, client-ca-file: pki/clients.pem,"
                + " client-auth: require");
        String ca = certs.cert("ca").toString();

        assertThat(cli("mirrors", "--target", target(), "--ca", ca, "--cert", certs.cert("nginx-host").toString(),
                "--key", certs.key("nginx-host").toString())).startsWith("0\n").contains("m1");
        assertThat(cli("mirrors", "--target", target(), "--ca", ca))
                .startsWith("1\n")
                .contains(target() + ": TLS handshake failed: the service requires a client certificate;"
                        + " pass --cert and --key");
        assertThat(cli("mirrors", "--target", target(), "--ca", ca, "--cert", certs.cert("stranger").toString(),
                "--key", certs.key("stranger").toString()))
                .startsWith("1\n")
                .contains(target() + ": TLS handshake failed: the service refused the client certificate");
        assertThat(cli("mirrors", "--target", target(), "--ca", ca, "--cert", certs.cert("nginx-host").toString(),
                "--key", certs.key("stranger").toString()))
                .startsWith("1\n")
                .contains("--key: " + certs.key("stranger") + " (not the private key of the certificate in");
    }

    /** The serial of the certificate the port serves now, by a JSSE handshake that trusts the test CA. */
    private BigInteger servedSerial() throws Exception {
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        trusted.setCertificateEntry("ca", read(certs.cert("ca")));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", server.grpcPort())) {
            SSLParameters p = s.getSSLParameters();
            p.setApplicationProtocols(new String[] {"h2"});
            s.setSSLParameters(p);
            s.startHandshake();
            return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }

    private static X509Certificate read(Path pem) throws Exception {
        try (var in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }
}
