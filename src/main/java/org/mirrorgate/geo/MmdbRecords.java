package org.mirrorgate.geo;

import com.maxmind.db.MaxMindDbParameter;

/**
 * The parts of each database's records that ranking uses, as maxmind-db decodes them.
 *
 * <p>Why small records instead of geoip2's {@code DatabaseReader}: the reader then skips every key
 * we do not name (names in eight languages, subdivisions, postal codes...) instead of building a
 * full {@code CityResponse} per lookup, and the DB-IP flat layout, which {@code DatabaseReader}
 * refuses, is read by the same code.
 *
 * <p>Why {@code public} records inside a package-private class: maxmind-db builds them by
 * reflection from its own package, so their constructors must be public; the enclosing class keeps
 * them out of the package's API (Java code elsewhere cannot name them).
 *
 * <p>Coordinates are {@link Number}: GeoIP2 stores doubles, the DB-IP flat layout 32-bit floats.
 */
final class MmdbRecords {

    private MmdbRecords() {}

    /** A record that becomes (part of) a {@link ClientLocation}. */
    interface Located {
        ClientLocation toLocation();
    }

    /** GeoIP2/GeoLite2 City and Country, and GeoIP2-compatible files such as DB-IP's own .mmdb. */
    public record GeoIp2City(
            Country country,
            Continent continent,
            Location location,
            @MaxMindDbParameter(name = "registered_country") Country registeredCountry)
            implements Located {

        @Override
        public ClientLocation toLocation() {
            // Anycast and some satellite ranges have only the registered country; better than none.
            String code = Countries.country(country != null ? country.isoCode() : null);
            if (code.isEmpty() && registeredCountry != null) {
                code = Countries.country(registeredCountry.isoCode());
            }
            String cont = Countries.continentCode(continent != null ? continent.code() : null);
            if (cont.isEmpty()) {
                cont = Countries.continent(code);
            }
            return place(code, cont,
                    location != null ? location.latitude() : null, location != null ? location.longitude() : null);
        }
    }

    /** GeoIP2 {@code country} and {@code registered_country}. */
    public record Country(@MaxMindDbParameter(name = "iso_code") String isoCode) {}

    /** GeoIP2 {@code continent}. */
    public record Continent(String code) {}

    /** GeoIP2 {@code location}. */
    public record Location(Number latitude, Number longitude) {}

    /**
     * DB-IP flat layout ({@code city ipv4} / {@code city ipv6}): {@code country_code, state1, state2,
     * city, postcode, latitude, longitude, timezone}; no continent, so it comes from the country.
     */
    public record FlatCity(
            @MaxMindDbParameter(name = "country_code") String countryCode, Number latitude, Number longitude)
            implements Located {

        @Override
        public ClientLocation toLocation() {
            String code = Countries.country(countryCode);
            return place(code, Countries.continent(code), latitude, longitude);
        }
    }

    /** GeoLite2-ASN (and GeoIP2-ISP): only the number is used. */
    public record Asn(@MaxMindDbParameter(name = "autonomous_system_number") Long number) implements Located {

        @Override
        public ClientLocation toLocation() {
            // ClientLocation holds an int; numbers above 2^31 - 1 are private-use (RFC 6996) and say
            // nothing about where a client is.
            long n = number == null ? 0 : number;
            return n <= 0 || n > Integer.MAX_VALUE ? ClientLocation.UNKNOWN
                    : new ClientLocation("", "", (int) n, Double.NaN, Double.NaN);
        }
    }

    private static ClientLocation place(String country, String continent, Number latitude, Number longitude) {
        double lat = latitude == null ? Double.NaN : latitude.doubleValue();
        double lon = longitude == null ? Double.NaN : longitude.doubleValue();
        if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180) || lat == 0 && lon == 0) {
            // Out of range is corrupt; 0,0 ("null island") is how some sources say "unknown".
            lat = Double.NaN;
            lon = Double.NaN;
        }
        if (country.isEmpty() && continent.isEmpty() && Double.isNaN(lat)) {
            return ClientLocation.UNKNOWN;
        }
        return new ClientLocation(country, continent, 0, lat, lon);
    }
}
