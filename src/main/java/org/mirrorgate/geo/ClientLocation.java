package org.mirrorgate.geo;

/**
 * What GeoIP knows of a client (or a mirror): country, continent, autonomous system, coordinates.
 *
 * <p>Unknown parts are empty strings, ASN 0, and NaN coordinates, so that hot-path code compares
 * without null checks.
 *
 * @param country ISO 3166-1 alpha-2 code, upper case; "" when unknown
 * @param continent two-letter continent code (AF, AN, AS, EU, NA, OC, SA); "" when unknown
 * @param asn autonomous system number; 0 when unknown
 * @param latitude degrees, -90..90; NaN when unknown
 * @param longitude degrees, -180..180; NaN when unknown
 */
public record ClientLocation(String country, String continent, int asn, double latitude, double longitude) {

    /** Nothing known. */
    public static final ClientLocation UNKNOWN = new ClientLocation("", "", 0, Double.NaN, Double.NaN);

    public ClientLocation {
        country = country == null ? "" : country;
        continent = continent == null ? "" : continent;
    }

    /** True when both coordinates are known. */
    public boolean hasCoordinates() {
        return !Double.isNaN(latitude) && !Double.isNaN(longitude);
    }

    /** True when the country is known; Mirrorbits calls such a client "valid". */
    public boolean hasCountry() {
        return !country.isEmpty();
    }
}
