package org.mirrorgate.geo;

import java.nio.file.Path;

/**
 * A configured GeoIP database file cannot be used: missing, unreadable, not a MaxMind DB, of a kind
 * this setting does not take, or corrupt.
 *
 * <p>The message names the setting, the file, what is wrong and what to do, for example {@code
 * geoip.city-database: /srv/geoip/city.mmdb (no such file; expected: a GeoIP2/GeoLite2 City or
 * DB-IP city-lite .mmdb file). Set geoip.city-database to such a file (deploy/fetch-geoip.sh fetches
 * DB-IP's), or leave it unset to run without GeoIP.} At startup it stops the service; on a reload it
 * is logged and the previous database stays in use.
 */
public final class GeoDatabaseException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final Path file;

    GeoDatabaseException(Path file, String message, Throwable cause) {
        super(message, cause);
        this.file = file;
    }

    /** The file that could not be used. */
    public Path file() {
        return file;
    }
}
