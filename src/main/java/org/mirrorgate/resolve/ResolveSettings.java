package org.mirrorgate.resolve;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * @param urlPrefix the URL path the repository root is served under; starts and ends with '/'
 * @param maxAlternates at most this many RFC 6249 alternates per redirect (Mirrorbits'
 *     MaxLinkHeaders)
 * @param clientCacheSize client plans kept (rounded up to a power of four); each keeps its best
 *     max-near + max-alternates + 17 mirrors, ~450 bytes with the defaults
 * @param warmupCalls Resolve calls the service sends itself over loopback before it reports
 *     SERVING, so the JIT has compiled the request path; 0 = none
 */
public record ResolveSettings(String urlPrefix, int maxAlternates, int clientCacheSize, int warmupCalls) {

    public static final ResolveSettings DEFAULTS = new ResolveSettings("/", 5, 65_536, 20_000);

    public ResolveSettings {
        checkArgument(urlPrefix.startsWith("/") && urlPrefix.endsWith("/"),
                "url-prefix: %s (expected: a path starting and ending with '/')", urlPrefix);
        checkArgument(maxAlternates >= 0 && maxAlternates <= 50, "max-alternates: %s (expected: 0 .. 50)", maxAlternates);
        checkArgument(clientCacheSize >= 1, "client-cache-size: %s (expected: >= 1)", clientCacheSize);
        checkArgument(warmupCalls >= 0, "warmup-calls: %s (expected: >= 0)", warmupCalls);
    }

    public ResolveSettings withUrlPrefix(String prefix) {
        return new ResolveSettings(prefix, maxAlternates, clientCacheSize, warmupCalls);
    }
}
