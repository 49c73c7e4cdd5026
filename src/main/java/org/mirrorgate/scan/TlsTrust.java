package org.mirrorgate.scan;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS trust of probes, trace polls and HTTPS scans: the JDK's CA certificates plus, when
 * configured, the operator's extra CA file (a private mirror network's CA). Certificates are always
 * verified, chain, validity dates and host name alike: there is no "insecure" switch.
 */
final class TlsTrust {

    private TlsTrust() {}

    static SSLContext context(Path extraCaFile) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            if (extraCaFile == null) {
                ctx.init(null, null, null);
                return ctx;
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (X509Certificate jdk : defaultTrustManager().getAcceptedIssuers()) {
                store.setCertificateEntry("jdk-" + i++, jdk);
            }
            try (InputStream in = Files.newInputStream(extraCaFile)) {
                for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    store.setCertificateEntry("extra-" + i++, c);
                }
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException e) {
            throw new UncheckedIOException("tls-ca-file: " + extraCaFile + " (" + e.getMessage() + ")", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("tls-ca-file: " + extraCaFile + " (" + e.getMessage() + ")", e);
        }
    }

    private static X509TrustManager defaultTrustManager() throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((KeyStore) null);
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("no X509TrustManager in the JDK");
    }
}
