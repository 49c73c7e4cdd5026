package org.mirrorgate.geo;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The record layouts this package reads, told apart by the MMDB metadata's {@code database_type}.
 *
 * <p>The type string is the only reliable signal: DB-IP's flat files and GeoIP2 files are both
 * valid MaxMind DBs, but decoding one layout as the other silently yields nothing.
 */
enum DatabaseKind {
    /** GeoIP2/GeoLite2 City, Country, Enterprise, and GeoIP2-compatible files such as DBIP-City-Lite. */
    GEOIP2(DatabaseRole.CITY, MmdbRecords.GeoIp2City.class, true, true),
    /** DB-IP flat layout, IPv4 tree ({@code city ipv4}; also {@code country ipv4}). */
    FLAT_IPV4(DatabaseRole.CITY, MmdbRecords.FlatCity.class, true, false),
    /** DB-IP flat layout, IPv6 tree holding IPv6 networks only ({@code city ipv6}). */
    FLAT_IPV6(DatabaseRole.CITY, MmdbRecords.FlatCity.class, false, true),
    /** GeoLite2-ASN, GeoIP2-ISP, DBIP-ASN-Lite, or our own conversion of @ip-location-db/asn. */
    ASN(DatabaseRole.ASN, MmdbRecords.Asn.class, true, true);

    final DatabaseRole role;
    final Class<? extends MmdbRecords.Located> recordClass;
    private final boolean ipv4;
    private final boolean ipv6;

    DatabaseKind(DatabaseRole role, Class<? extends MmdbRecords.Located> recordClass, boolean ipv4, boolean ipv6) {
        this.role = role;
        this.recordClass = recordClass;
        this.ipv4 = ipv4;
        this.ipv6 = ipv6;
    }

    /** The kind of a database of {@code databaseType}, or null when this package cannot read it. */
    static @Nullable DatabaseKind of(String databaseType) {
        String type = databaseType.trim().toLowerCase(Locale.ROOT);
        // The flat names first: "city ipv4" would otherwise match "city" below.
        if (type.equals("city ipv4") || type.equals("country ipv4")) {
            return FLAT_IPV4;
        }
        if (type.equals("city ipv6") || type.equals("country ipv6")) {
            return FLAT_IPV6;
        }
        if (type.contains("asn") || type.contains("isp")) {
            return ASN;
        }
        if (type.contains("city") || type.contains("country") || type.contains("enterprise")) {
            return GEOIP2;
        }
        return null;
    }

    /**
     * Whether a file of this kind answers for IPv4 ({@code ipv6} false) or IPv6 addresses. An IPv6
     * tree of a MaxMind-style file also holds IPv4 (under {@code ::/96}), so {@code ipVersion} 6
     * covers both unless the layout says otherwise; an IPv4 tree can never answer for IPv6.
     */
    boolean covers(boolean ipv6Address, int ipVersion) {
        return ipv6Address ? this.ipv6 && ipVersion == 6 : this.ipv4;
    }
}
