package org.mirrorgate.mirror;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Set;
import org.mirrorgate.geo.ClientLocation;

/**
 * A mirror's declared location brought in line with what GeoIP says of its host (Mirrorbits'
 * {@code geoupdate}). Hand-set lists win while they agree: countries (ASNs) that contain the GeoIP
 * country (ASN) are kept, as a mirror serving DE and AT stays so when GeoIP says AT; otherwise
 * GeoIP's one replaces them. What GeoIP does not know (no ASN database, no coordinates) stays as
 * declared, so a partial database never erases what the operator set.
 */
public final class GeoRelocation {

    private GeoRelocation() {}

    /** {@code spec} with its location keys updated from {@code found}; every other key as it was. */
    public static MirrorSpec apply(MirrorSpec spec, ClientLocation found) {
        requireNonNull(spec, "spec");
        requireNonNull(found, "found");
        List<String> countries = !found.hasCountry() || spec.countries().contains(found.country()) ? spec.countries()
                : List.of(found.country());
        String continent = found.continent().isEmpty() ? spec.continent() : found.continent();
        Set<Integer> asns = found.asn() == 0 || spec.asns().contains(found.asn()) ? spec.asns() : Set.of(found.asn());
        double lat = found.hasCoordinates() ? found.latitude() : spec.latitude();
        double lon = found.hasCoordinates() ? found.longitude() : spec.longitude();
        return spec.withLocation(countries, continent, asns, lat, lon);
    }

    /** True when GeoIP said nothing usable: no country, continent, ASN or coordinates. */
    public static boolean knowsNothing(ClientLocation found) {
        return !found.hasCountry() && found.continent().isEmpty() && found.asn() == 0 && !found.hasCoordinates();
    }
}
