package org.mirrorgate.tls;

import static java.util.Objects.requireNonNull;

import io.grpc.ChannelCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS identity of the gRPC TCP listener, kept in step with its files. grpc-util's {@link
 * AdvancedTlsX509KeyManager} and {@link AdvancedTlsX509TrustManager} hold the certificate, key
 * and client CAs and swap them atomically under live connections; this class decides when. Every
 * {@code reload-interval} it compares the files' modification time, size and inode with the last
 * ones tried, and on a change reads them all through {@link PemFiles} and installs them only if
 * the key belongs to the certificate and both parse. (grpc-util's own file reloader installs
 * whatever it reads: a certificate renewed before its key is written would fail every handshake
 * until the next period.) A refused change is logged once, and the previous identity serves on.
 */
public final class ServerTls implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ServerTls.class);

    private final TlsSettings settings;
    private final AdvancedTlsX509KeyManager keys = new AdvancedTlsX509KeyManager();
    private final AdvancedTlsX509TrustManager clientCas;
    private final ScheduledExecutorService reloader;
    private volatile X509Certificate leaf;
    private List<Object> triedStamps;

    private ServerTls(TlsSettings settings) throws TlsFileException {
        this.settings = settings;
        try {
            clientCas = settings.clientAuth() == TlsSettings.ClientAuth.NONE ? null
                    : AdvancedTlsX509TrustManager.newBuilder()
                            .setVerification(AdvancedTlsX509TrustManager.Verification.CERTIFICATE_ONLY_VERIFICATION)
                            .build();
        } catch (GeneralSecurityException e) {
            throw new TlsFileException("listen.tls: cannot set up client certificate checks: " + e, e);
        }
        triedStamps = stamps();
        install();
        reloader = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mirrorgate-tls-reload");
            t.setDaemon(true);
            return t;
        });
        long period = settings.reloadInterval().toMillis();
        reloader.scheduleWithFixedDelay(this::reloadIfChanged, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * Reads the files and starts watching them.
     *
     * @throws TlsFileException naming the file that cannot serve and what to do
     */
    public static ServerTls start(TlsSettings settings) throws TlsFileException {
        requireNonNull(settings, "settings");
        if (!settings.enabled()) {
            throw new IllegalArgumentException("settings: TLS is off (expected: cert-file and key-file)");
        }
        return new ServerTls(settings);
    }

    /** For the listener: the reloading identity, and the client CAs when client-auth asks for them. */
    public ServerCredentials serverCredentials() {
        TlsServerCredentials.Builder b = TlsServerCredentials.newBuilder().keyManager(keys);
        if (clientCas != null) {
            b.trustManager(new OwnCertificateTrust(this::certificate, clientCas))
                    .clientAuth(settings.clientAuth() == TlsSettings.ClientAuth.REQUIRE
                            ? TlsServerCredentials.ClientAuth.REQUIRE : TlsServerCredentials.ClientAuth.OPTIONAL);
        }
        return b.build();
    }

    /**
     * For the service dialling its own listener (the warm-up): trusts exactly the listener's
     * current certificate, and shows it as the client certificate (see {@link OwnCertificateTrust}).
     */
    public ChannelCredentials selfCredentials() {
        return TlsChannelCredentials.newBuilder().keyManager(keys)
                .trustManager(new OwnCertificateTrust(this::certificate, null)).build();
    }

    /** The leaf certificate being served now. */
    public X509Certificate certificate() {
        return leaf;
    }

    /** Installs the files if they changed since last tried and are usable; true when it installed them. */
    synchronized boolean reloadIfChanged() {
        List<Object> now = stamps();
        if (now.equals(triedStamps)) {
            return false;
        }
        triedStamps = now;
        try {
            install();
            return true;
        } catch (TlsFileException e) {
            log.warn("listen.tls: the changed files were not installed: {}; still serving {} (valid until {}),"
                    + " and trying again when the files change", e.getMessage(), describe(leaf), leaf.getNotAfter().toInstant());
            return false;
        } catch (RuntimeException e) {
            log.warn("listen.tls: the changed files were not installed: {}; still serving {}", e, describe(leaf));
            return false;
        }
    }

    /** Reads everything first, then swaps: a bad file leaves the previous identity and CAs in place. */
    private void install() throws TlsFileException {
        PemFiles.Identity id = PemFiles.identity("listen.tls.cert-file", settings.certFile(), "listen.tls.key-file",
                settings.keyFile());
        X509Certificate[] cas = clientCas == null ? null
                : PemFiles.caCertificates("listen.tls.client-ca-file", settings.clientCaFile());
        if (cas != null) {
            try {
                clientCas.updateTrustCredentials(cas);
            } catch (IOException | GeneralSecurityException e) {
                throw new TlsFileException("listen.tls.client-ca-file: " + settings.clientCaFile() + " (cannot be used"
                        + " as client CAs: " + e.getMessage() + "; expected: a PEM file of CA certificates)", e);
            }
        }
        keys.updateIdentityCredentials(id.chain(), id.key());
        boolean first = leaf == null;
        leaf = id.leaf();
        log.info("listen.tls: {} {} (valid until {}){}", first ? "serving" : "reloaded, now serving", describe(leaf),
                leaf.getNotAfter().toInstant(), cas == null ? "" : "; client certificates from " + cas.length + " CA(s), "
                        + settings.clientAuth().key());
    }

    private static String describe(X509Certificate cert) {
        return cert.getSubjectX500Principal().getName() + " serial " + cert.getSerialNumber().toString(16);
    }

    /** What identifies each file's current content cheaply: mtime, size and inode (or why it cannot be read). */
    private List<Object> stamps() {
        List<Object> stamps = new ArrayList<>();
        for (Path p : new Path[] {settings.certFile(), settings.keyFile(), settings.clientCaFile()}) {
            if (p == null) {
                continue;
            }
            try {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                stamps.add(List.of(a.lastModifiedTime(), a.size(), String.valueOf(a.fileKey())));
            } catch (IOException e) {
                stamps.add(e.getClass().getName()); // missing now: install() will say so once
            }
        }
        return stamps;
    }

    @Override
    public void close() {
        reloader.shutdownNow();
    }
}
