package org.mirrorgate.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

/**
 * A TLS-terminating TCP forwarder on a free loopback port: what an rsync daemon behind stunnel or
 * haproxy looks like to {@code rsync-ssl} (rsyncs:// URLs). Each connection gets two pump threads.
 */
public final class TlsTunnel implements AutoCloseable {

    private final SSLServerSocket server;
    private final int targetPort;

    private TlsTunnel(SSLServerSocket server, int targetPort) {
        this.server = server;
        this.targetPort = targetPort;
    }

    /** @param pkcs12 server certificate and key (password "test"), e.g. from {@link TestCertificates#pkcs12} */
    public static TlsTunnel to(int targetPort, Path pkcs12) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(pkcs12)) {
                ks.load(in, "test".toCharArray());
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, "test".toCharArray());
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            SSLServerSocket s = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 10,
                    InetAddress.getLoopbackAddress());
            TlsTunnel t = new TlsTunnel(s, targetPort);
            Thread accept = new Thread(t::accept, "tls-tunnel");
            accept.setDaemon(true);
            accept.start();
            return t;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                pump(client, target);
                pump(target, client);
            } catch (IOException e) {
                // closed, or one connection failed: keep serving the others
            }
        }
    }

    private static void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                // the other side hung up
            } finally {
                close(from);
                close(to);
            }
        }, "tls-tunnel-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        close0();
    }

    private void close0() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
