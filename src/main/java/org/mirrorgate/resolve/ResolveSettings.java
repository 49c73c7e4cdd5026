package org.mirrorgate.resolve;

import static com.google.common.base.Preconditions.checkArgument;

import java.net.URI;

/**
 * @param urlPrefix the URL path the repository root is served under; starts and ends with '/'
 * @param maxAlternates at most this many RFC 6249 alternates per redirect (Mirrorbits'
 *     MaxLinkHeaders)
 * @param clientCacheSize client plans kept (rounded up to a power of four); each keeps its best
 *     max-near + max-alternates + 17 mirrors, ~450 bytes with the defaults
 * @param warmupCalls Resolve calls the service sends itself over loopback before it reports
 *     SERVING, so the JIT has compiled the request path; 0 = none
 * @param aptMirrorList the public URL of apt's mirror-method list, e.g. {@code
 *     http://deb.example.org/debian/mirrors.txt}: its path (under {@code urlPrefix}) is where the
 *     list is answered (and {@code ?mirrorlist=apt} on the repository root), its scheme, host and
 *     {@code urlPrefix} name the origin, the list's last line; "" = no apt mirror list
 */
public record ResolveSettings(String urlPrefix, int maxAlternates, int clientCacheSize, int warmupCalls,
        String aptMirrorList) {

    public static final ResolveSettings DEFAULTS = new ResolveSettings("/", 5, 65_536, 20_000, "");

    public ResolveSettings {
        checkArgument(urlPrefix.startsWith("/") && urlPrefix.endsWith("/"),
                "url-prefix: %s (expected: a path starting and ending with '/')", urlPrefix);
        checkArgument(maxAlternates >= 0 && maxAlternates <= 50, "max-alternates: %s (expected: 0 .. 50)", maxAlternates);
        checkArgument(clientCacheSize >= 1, "client-cache-size: %s (expected: >= 1)", clientCacheSize);
        checkArgument(warmupCalls >= 0, "warmup-calls: %s (expected: >= 0)", warmupCalls);
        checkArgument(aptMirrorList.isEmpty() || aptListPath(aptMirrorList, urlPrefix) != null,
                "apt-mirror-list: %s (expected: \"\" or an http(s) URL with no query whose path is a file under "
                        + "url-prefix %s, e.g. http://deb.example.org%smirrors.txt)", aptMirrorList, urlPrefix, urlPrefix);
    }

    public ResolveSettings(String urlPrefix, int maxAlternates, int clientCacheSize, int warmupCalls) {
        this(urlPrefix, maxAlternates, clientCacheSize, warmupCalls, "");
    }

    public ResolveSettings withUrlPrefix(String prefix) {
        return new ResolveSettings(prefix, maxAlternates, clientCacheSize, warmupCalls, aptMirrorList);
    }

    /** The apt mirror list's path relative to the repository root; null when there is none. */
    public String aptListPath() {
        return aptMirrorList.isEmpty() ? null : aptListPath(aptMirrorList, urlPrefix);
    }

    /** The origin's repository root for the apt list, in the request's scheme (the origin serves both). */
    String aptOrigin(boolean https) {
        URI u = URI.create(aptMirrorList);
        return (https ? "https" : "http") + "://" + u.getRawAuthority() + urlPrefix;
    }

    private static String aptListPath(String url, String prefix) {
        try {
            URI u = new URI(url);
            String path = u.getRawPath();
            boolean ok = ("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getRawAuthority() != null
                    && u.getRawQuery() == null && u.getRawFragment() == null && u.getRawUserInfo() == null
                    && path != null && path.startsWith(prefix) && path.length() > prefix.length() && !path.endsWith("/");
            return ok ? path.substring(prefix.length()) : null;
        } catch (java.net.URISyntaxException e) {
            return null;
        }
    }
}
