package org.mirrorgate.resolve;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports requests outside {@code repository.url-prefix} loudly, but not once per request. Such a
 * request reached the hook, so nginx's location covers a path the service's prefix does not: the
 * two disagree (the README's {@code location /debian/} with a config still at {@code url-prefix:
 * /}, or the reverse), and no download under it is ever redirected. The first {@link #FIRST} paths
 * are logged at WARN, then at most one a minute with the running count; the metric counts them all.
 *
 * <p>On the request path: an increment, and past the first few a compare of two longs.
 */
final class OutsidePrefix {

    static final int FIRST = 3;
    static final long INTERVAL_NANOS = 60_000_000_000L;

    private static final Logger log = LoggerFactory.getLogger(Resolver.class);

    private final String prefix;
    private final LongSupplier nanoClock;
    private final AtomicLong seen = new AtomicLong();
    private final AtomicLong nextLog;

    OutsidePrefix(String prefix, LongSupplier nanoClock) {
        this.prefix = prefix;
        this.nanoClock = nanoClock;
        this.nextLog = new AtomicLong(nanoClock.getAsLong());
    }

    /** Notes one request for {@code path}; returns whether it was logged. */
    boolean seen(String path) {
        long n = seen.incrementAndGet();
        if (n > FIRST) {
            long now = nanoClock.getAsLong();
            long due = nextLog.get();
            if (now - due < 0 || !nextLog.compareAndSet(due, now + INTERVAL_NANOS)) {
                return false;
            }
        } else if (n == FIRST) {
            nextLog.set(nanoClock.getAsLong() + INTERVAL_NANOS);
        }
        log.warn("request path {} is outside repository.url-prefix {}: left to nginx, never redirected ({} such"
                + " requests so far; the first {} are logged, then one a minute). If nginx serves the repository"
                + " under another path, set repository.url-prefix and the hook's url_prefix to that location's path",
                quote(path), prefix, n, FIRST);
        return true;
    }

    long count() {
        return seen.get();
    }

    private static String quote(String p) {
        return p.length() > 200 ? p.substring(0, 200) + "..." : p;
    }
}
