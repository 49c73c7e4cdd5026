package org.mirrorgate.scan;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import org.mirrorgate.mirror.MirrorSpec;
import org.mirrorgate.mirror.UrlPaths;

/**
 * Whether a mirror holds one file with the local size, by a HEAD under its https base, else its
 * http base (the trace poller's confirmation, the deletion probes). Not a health probe: no
 * redirects are followed and no certificate is checked beyond the TLS handshake.
 */
public final class FileHead {

    /** What the mirror answered. */
    public enum Seen {
        /** 200 with the expected size (or no length given). */
        HELD,
        /** 404 or 410, or 200 with another size: the mirror does not hold these bytes. */
        ABSENT,
        /** Unreachable, another status: nothing learnt. */
        UNKNOWN
    }

    /** The answer and, unless {@link Seen#HELD}, why ("pool/x.deb: HTTP 404"). */
    public record Answer(Seen seen, String reason) {}

    private final HttpFetcher http;
    private final int timeoutMillis;

    public FileHead(HttpFetcher http, int timeoutMillis) {
        this.http = http;
        this.timeoutMillis = timeoutMillis;
    }

    public Answer head(MirrorSpec spec, String path, long size) {
        Answer last = new Answer(Seen.UNKNOWN, path + ": no http or https url");
        for (URI base : new URI[] {spec.httpsUrl(), spec.httpUrl()}) {
            if (base == null) {
                continue;
            }
            HttpURLConnection c = null;
            try {
                c = http.open(base.resolve(UrlPaths.encode(path)), "HEAD", timeoutMillis, timeoutMillis);
                int status = c.getResponseCode();
                long length = c.getContentLengthLong();
                if (status == 404 || status == 410) {
                    return new Answer(Seen.ABSENT, path + ": HTTP " + status);
                }
                if (status != 200) {
                    return new Answer(Seen.UNKNOWN, path + ": HTTP " + status);
                }
                if (length >= 0 && length != size) {
                    return new Answer(Seen.ABSENT, path + ": " + length + " bytes (expected " + size + ")");
                }
                return new Answer(Seen.HELD, "");
            } catch (IOException e) {
                last = new Answer(Seen.UNKNOWN, path + ": " + HttpFetcher.reason(e)); // try the other scheme
            } finally {
                if (c != null) {
                    c.disconnect();
                }
            }
        }
        return last;
    }
}
