package org.mirrorgate.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real redis-server that wants TLS and a password: a self-signed certificate for 127.0.0.1 made
 * with Debian's {@code openssl}, a TLS port, and {@code requirepass}.
 */
public final class RedisTls implements AutoCloseable {

    private final RedisServer server;
    private final int tlsPort;
    private final String password;

    private RedisTls(RedisServer server, int tlsPort, String password) {
        this.server = server;
        this.tlsPort = tlsPort;
        this.password = password;
    }

    public static RedisTls start(String password) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("redis-tls");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString(),
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1")
                .redirectErrorStream(true).redirectOutput(dir.resolve("openssl.log").toFile()).start();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("openssl failed: " + Files.readString(dir.resolve("openssl.log")));
        }
        int tlsPort = RedisServer.freePort();
        RedisServer server = RedisServer.start("--tls-port", Integer.toString(tlsPort),
                "--tls-cert-file", dir.resolve("cert.pem").toString(), "--tls-key-file", dir.resolve("key.pem").toString(),
                "--tls-ca-cert-file", dir.resolve("cert.pem").toString(), "--tls-auth-clients", "no",
                "--requirepass", password);
        return new RedisTls(server, tlsPort, password);
    }

    /** {@code rediss://:<password>@127.0.0.1:<tls port>} plus {@code query} (e.g. "?verifyPeer=NONE"). */
    public String uri(String query) {
        return "rediss://:" + password + "@127.0.0.1:" + tlsPort + query;
    }

    public int plainPort() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
    }
}
