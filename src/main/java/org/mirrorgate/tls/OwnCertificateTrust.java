package org.mirrorgate.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts a peer showing this service's own current certificate, and otherwise asks {@code
 * delegate} (or refuses, without one). The service's warm-up dials its own TLS listener with its
 * own identity: it proves it holds the listener's private key, which no client can without
 * stealing it, so even under {@code client-auth: require} the warm-up needs no client CA of its
 * own. Everyone else is checked by the delegate exactly as before.
 */
final class OwnCertificateTrust extends X509ExtendedTrustManager {

    private final Supplier<X509Certificate> own;
    private final X509ExtendedTrustManager delegate;

    /** @param delegate checks every other peer; null to trust only the own certificate */
    OwnCertificateTrust(Supplier<X509Certificate> own, X509ExtendedTrustManager delegate) {
        this.own = own;
        this.delegate = delegate;
    }

    private boolean isOwn(X509Certificate[] chain) {
        return chain != null && chain.length > 0 && chain[0].equals(own.get());
    }

    private X509ExtendedTrustManager delegate(X509Certificate[] chain) throws CertificateException {
        if (delegate == null) {
            throw new CertificateException("not this service's own certificate: "
                    + (chain == null || chain.length == 0 ? "none" : chain[0].getSubjectX500Principal().getName()));
        }
        return delegate;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (!isOwn(chain)) {
            delegate(chain).checkClientTrusted(chain, authType);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        if (!isOwn(chain)) {
            delegate(chain).checkClientTrusted(chain, authType, socket);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        if (!isOwn(chain)) {
            delegate(chain).checkClientTrusted(chain, authType, engine);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (!isOwn(chain)) {
            delegate(chain).checkServerTrusted(chain, authType);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        if (!isOwn(chain)) {
            delegate(chain).checkServerTrusted(chain, authType, socket);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        if (!isOwn(chain)) {
            delegate(chain).checkServerTrusted(chain, authType, engine);
        }
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate == null ? new X509Certificate[0] : delegate.getAcceptedIssuers();
    }
}
