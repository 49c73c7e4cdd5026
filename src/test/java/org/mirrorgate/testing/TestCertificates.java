package org.mirrorgate.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real X.509 material made with the {@code openssl} command for TLS tests: a test CA, server
 * certificates it issues for 127.0.0.1 and localhost (valid, expired, expiring soon), and a
 * self-signed one no CA vouches for. Each certificate comes with its key: {@code name.pem} and
 * {@code name.key} in the directory.
 */
public final class TestCertificates {

    private static final DateTimeFormatter ASN1 = DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);

    private final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    /** Creates the test CA in {@code dir}. */
    public static TestCertificates in(Path dir) {
        TestCertificates c = new TestCertificates(dir);
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("index.txt"), "");
            Files.writeString(dir.resolve("serial"), "1000\n");
            Files.writeString(dir.resolve("ca.cnf"), """
                    [ ca ]
                    default_ca = test_ca
                    [ test_ca ]
                    database = %1$s/index.txt
                    serial = %1$s/serial
                    new_certs_dir = %1$s
                    default_md = sha256
                    policy = any
                    copy_extensions = copy
                    unique_subject = no
                    [ any ]
                    commonName = supplied
                    """.formatted(dir));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        c.openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "ca.key", "-out", "ca.pem", "-days", "30", "-subj", "/CN=mirrorgate test CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        return c;
    }

    /** The CA certificate (PEM): what {@code tls-ca-file} points at. */
    public Path caFile() {
        return dir.resolve("ca.pem");
    }

    /** A server certificate issued by the test CA, valid from {@code notBefore} to {@code notAfter}. */
    public Path issue(String name, Instant notBefore, Instant notAfter) {
        openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost");
        openssl("ca", "-batch", "-config", "ca.cnf", "-cert", "ca.pem", "-keyfile", "ca.key",
                "-startdate", ASN1.format(notBefore), "-enddate", ASN1.format(notAfter),
                "-in", name + ".csr", "-out", name + ".pem", "-notext");
        return dir.resolve(name + ".pem");
    }

    /** A certificate valid now for 30 days, issued by the test CA. */
    public Path valid(String name) {
        Instant now = Instant.now();
        return issue(name, now.minusSeconds(3600), now.plusSeconds(30L * 86_400));
    }

    /** A certificate that expired a month ago, issued by the test CA. */
    public Path expired(String name) {
        Instant now = Instant.now();
        return issue(name, now.minusSeconds(60L * 86_400), now.minusSeconds(30L * 86_400));
    }

    /** A self-signed certificate for 127.0.0.1: valid dates, but no trusted issuer. */
    public Path selfSigned(String name) {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", name + ".key", "-out", name + ".pem", "-days", "30", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost");
        return dir.resolve(name + ".pem");
    }

    /** The certificate and its key as a PKCS#12 key store (password "test"), for Java TLS servers. */
    public Path pkcs12(Path cert) {
        Path out = cert.resolveSibling(cert.getFileName().toString().replace(".pem", ".p12"));
        openssl("pkcs12", "-export", "-in", cert.toString(), "-inkey", keyOf(cert).toString(), "-out", out.toString(),
                "-passout", "pass:test");
        return out;
    }

    public Path keyOf(Path cert) {
        String f = cert.getFileName().toString();
        return cert.resolveSibling(f.substring(0, f.length() - 4) + ".key");
    }

    private void openssl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("openssl.log").toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("openssl " + String.join(" ", args) + " failed: "
                        + Files.readString(dir.resolve("openssl.log")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
