package org.mirrorgate.geo;

import java.nio.file.Path;

/**
 * Which setting a database file was named by; it decides which kinds of file are accepted and
 * what an error message tells the operator to do.
 */
enum DatabaseRole {
    CITY("geoip.city-database", "a GeoIP2/GeoLite2 City or DB-IP city-lite .mmdb file",
            "(deploy/fetch-geoip.sh fetches DB-IP's), or leave it unset to run without GeoIP"),
    ASN("geoip.asn-database", "a GeoLite2-ASN-shaped .mmdb file with autonomous_system_number",
            "(deploy/fetch-geoip.sh builds one from DB-IP/RouteViews data), or leave it unset to run without ASNs");

    final String key;
    private final String expected;
    private final String remedy;

    DatabaseRole(String key, String expected, String remedy) {
        this.key = key;
        this.expected = expected;
        this.remedy = remedy;
    }

    /**
     * {@code key: file (what; expected: ...). Set key to such a file ..., or leave it unset ...}:
     * which file, what is wrong with it, and what to do.
     */
    GeoDatabaseException problem(Path file, String what, Throwable cause) {
        return new GeoDatabaseException(file,
                key + ": " + file + " (" + what + "; expected: " + expected + "). Set " + key + " to such a file "
                        + remedy + ".",
                cause);
    }
}
