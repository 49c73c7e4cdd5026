package org.mirrorgate.scan.health;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.HttpsURLConnection;
import org.mirrorgate.mirror.UrlPaths;
import org.mirrorgate.scan.HttpFetcher;

/**
 * One HEAD request to a file a mirror should hold, judged: 200 with the expected length is healthy;
 * a 404, another status, a length mismatch (a "soft 404" page), a refused redirect, a timeout or a
 * TLS failure is not. Redirects are followed only when allowed, at most 5, and never from https to
 * http (an https client must not be downgraded).
 */
final class HeadProbe {

    private static final int MAX_REDIRECTS = 5;

    private final HttpFetcher http;
    private final int timeoutMillis;

    HeadProbe(HttpFetcher http, int timeoutMillis) {
        this.http = http;
        this.timeoutMillis = timeoutMillis;
    }

    /**
     * @param path the file, relative to {@code base} (never the base URL itself: see {@link
     *     HealthProber#probe})
     * @param expectedSize the local size, or -1 when unknown
     */
    ProbeResult probe(URI base, String path, long expectedSize, boolean allowRedirects) {
        URI url = base.resolve(UrlPaths.encode(path));
        X509Certificate cert = null;
        for (int hop = 0; ; hop++) {
            HttpURLConnection c = null;
            try {
                c = http.open(url, "HEAD", timeoutMillis, timeoutMillis);
                c.connect(); // the TLS handshake: the certificate is readable only while connected
                if (c instanceof HttpsURLConnection https && cert == null) {
                    Certificate[] chain = https.getServerCertificates();
                    cert = chain.length > 0 && chain[0] instanceof X509Certificate x ? x : null;
                }
                int status = c.getResponseCode();
                if (status >= 300 && status < 400 && status != 304) {
                    String location = c.getHeaderField("Location");
                    if (!allowRedirects) {
                        return ProbeResult.failed("unauthorized redirect (HTTP " + status + ") on " + path);
                    }
                    if (location == null || hop >= MAX_REDIRECTS) {
                        return ProbeResult.failed("too many redirects on " + path);
                    }
                    URI next = url.resolve(location);
                    if ("https".equals(url.getScheme()) && !"https".equalsIgnoreCase(next.getScheme())) {
                        return ProbeResult.failed("redirect from https to " + next.getScheme() + " on " + path);
                    }
                    url = next;
                    continue;
                }
                if (status != 200) {
                    return ProbeResult.failed("HTTP " + status + " on " + path);
                }
                long length = c.getContentLengthLong();
                if (expectedSize >= 0 && length >= 0 && length != expectedSize) {
                    return ProbeResult.failed("size mismatch on " + path + ": " + length + " bytes (expected "
                            + expectedSize + ")");
                }
                return ProbeResult.ok(cert);
            } catch (IOException e) {
                return ProbeResult.failed(HttpFetcher.reason(e));
            } catch (IllegalArgumentException e) {
                return ProbeResult.failed("bad redirect target on " + path);
            } finally {
                if (c != null) {
                    c.disconnect();
                }
            }
        }
    }
}
