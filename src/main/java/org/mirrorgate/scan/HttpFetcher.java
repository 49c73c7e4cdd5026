package org.mirrorgate.scan;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * Opens HTTP(S) connections to mirrors the same way for probes, trace polls and index pages:
 * blocking {@link HttpURLConnection} (the callers run on bounded pools), connect and read timeouts,
 * our User-Agent, no automatic redirects (each caller applies its own policy) and the configured
 * TLS trust. Also turns connection failures into the short reasons the event log shows.
 */
public final class HttpFetcher {

    private final SSLContext tls;
    private final String userAgent;

    public HttpFetcher(ScanSettings settings) {
        this.tls = TlsTrust.context(settings.probe().tlsCaFile());
        this.userAgent = settings.probe().userAgent();
    }

    /**
     * A connection not yet connected. Probes call {@code disconnect()} when done, so that the next
     * probe makes a new TLS handshake and sees the certificate the mirror serves now; index pages
     * just close the stream and let the connection be reused.
     */
    public HttpURLConnection open(URI uri, String method, int connectMillis, int readMillis) throws IOException {
        HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
        if (c instanceof HttpsURLConnection https) {
            https.setSSLSocketFactory(tls.getSocketFactory());
        }
        c.setRequestMethod(method);
        c.setInstanceFollowRedirects(false);
        c.setConnectTimeout(connectMillis);
        c.setReadTimeout(readMillis);
        c.setUseCaches(false);
        c.setRequestProperty("User-Agent", userAgent);
        c.setRequestProperty("Accept-Encoding", "identity");
        return c;
    }

    /** A short reason for a failed request: "connection refused", "timeout", "certificate expired" ... */
    public static String reason(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateExpiredException) {
                return "certificate expired";
            }
            if (t instanceof CertificateNotYetValidException) {
                return "certificate not yet valid";
            }
            if (t instanceof CertPathBuilderException) {
                return "certificate not trusted";
            }
        }
        String msg = String.valueOf(e.getMessage());
        if (e instanceof SSLException) {
            if (msg.contains("No subject alternative") || msg.contains("No name matching")) {
                return "certificate name mismatch";
            }
            if (msg.contains("PKIX path")) {
                return "certificate not trusted";
            }
            return "TLS handshake failed: " + ListingPaths.printable(msg);
        }
        if (e instanceof SocketTimeoutException) {
            return msg.contains("connect") ? "connect timeout" : "timeout";
        }
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        if (e instanceof UnknownHostException) {
            return "unknown host";
        }
        if (e instanceof NoRouteToHostException) {
            return "no route to host";
        }
        if (e instanceof InterruptedIOException) {
            return "interrupted";
        }
        return e.getClass().getSimpleName() + ": " + ListingPaths.printable(msg);
    }
}
