package org.mirrorgate.geo;

import java.net.InetAddress;

/**
 * Where a client is, as far as the configured databases know.
 *
 * <p>One method so ranking tests use a lambda instead of a database file. Implementations must be
 * thread-safe and must not block on I/O for long: they run on the request path (behind a cache).
 */
@FunctionalInterface
public interface GeoLookup {

    /** A lookup that knows nothing: every client is {@link ClientLocation#UNKNOWN}. */
    GeoLookup NONE = address -> ClientLocation.UNKNOWN;

    /**
     * Returns what is known of {@code address}; {@link ClientLocation#UNKNOWN} (never null) when no
     * database has a record for it.
     */
    ClientLocation lookup(InetAddress address);
}
