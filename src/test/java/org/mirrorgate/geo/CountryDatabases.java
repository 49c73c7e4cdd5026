package org.mirrorgate.geo;

import java.nio.file.Path;
import java.util.Map;

/**
 * Writes a small GeoLite2-City shaped database for code outside this package (the push simulation
 * places loopback client addresses in countries with it): each network gets a country, continent
 * and position, laid out as {@link TestDatabases#geoIp2} does.
 */
public final class CountryDatabases {

    /** Where a network is: ISO country, continent code, latitude, longitude. */
    public record Place(String country, String continent, double latitude, double longitude) {}

    private CountryDatabases() {}

    /** Writes {@code networks} (CIDR to place) as a City database to {@code file}. */
    public static Path write(Path file, Map<String, Place> networks) {
        MmdbWriter w = new MmdbWriter("GeoLite2-City", 6);
        networks.forEach((cidr, p) -> w.insert(cidr, TestDatabases.geoIp2(p.country(), p.continent(),
                p.latitude(), p.longitude())));
        return w.writeTo(file);
    }
}
