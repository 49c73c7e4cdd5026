package org.mirrorgate.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates for tests, made by the real {@code openssl} binary as an operator would make them:
 * CAs, and certificates they sign, as PEM files (keys PKCS#8, openssl's default).
 */
public final class TestCertificates {

    private final Path dir;

    public TestCertificates(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
    }

    /** A self-signed CA: {@code NAME.pem} and {@code NAME.key}. */
    public Path ca(String name) throws IOException {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
                "-subj", "/CN=" + name, "-keyout", key(name).toString(), "-out", cert(name).toString());
        return cert(name);
    }

    /**
     * A certificate {@code NAME.pem} with key {@code NAME.key}, signed by CA {@code caName}, for
     * {@code subjectAltName} (e.g. "DNS:localhost"; clientAuth certificates too).
     */
    public Path issue(String caName, String name, String subjectAltName) throws IOException {
        Path csr = dir.resolve(name + ".csr");
        Path ext = dir.resolve(name + ".ext");
        Files.writeString(ext, "subjectAltName=" + subjectAltName + "\nextendedKeyUsage=serverAuth,clientAuth\n");
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=" + name,
                "-keyout", key(name).toString(), "-out", csr.toString());
        openssl("x509", "-req", "-in", csr.toString(), "-CA", cert(caName).toString(), "-CAkey", key(caName).toString(),
                "-set_serial", "0x" + Long.toHexString(System.nanoTime() & Long.MAX_VALUE), "-days", "2",
                "-extfile", ext.toString(), "-out", cert(name).toString());
        return cert(name);
    }

    public Path cert(String name) {
        return dir.resolve(name + ".pem");
    }

    public Path key(String name) {
        return dir.resolve(name + ".key");
    }

    private void openssl(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
