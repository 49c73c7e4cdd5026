package org.mirrorgate.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mirrorgate.geo.ClientLocation;

class GeoRelocationTest {

    private static MirrorSpec at(List<String> countries, String continent, Set<Integer> asns, double lat, double lon) {
        return new MirrorSpec("m", null, URI.create("https://m.example.org/"), null, null, countries, continent, asns,
                List.of(), null, Set.of("CN"), 20, 2.0, true, false, lat, lon, MirrorSpec.Origin.API);
    }

    @Test
    void handSetCountriesAndAsnsStayWhileTheyContainWhatGeoIpSays() {
        MirrorSpec m = at(List.of("DE", "AT"), "EU", Set.of(3320, 680), 1, 2);
        MirrorSpec next = GeoRelocation.apply(m, new ClientLocation("AT", "EU", 680, 48.2, 16.37));
        assertThat(next.countries()).containsExactly("DE", "AT");
        assertThat(next.asns()).containsExactlyInAnyOrder(3320, 680);
        assertThat(next.latitude()).isEqualTo(48.2);
        assertThat(next.longitude()).isEqualTo(16.37);
    }

    @Test
    void otherwiseGeoIpsCountryAndAsnReplaceThemAndEveryOtherKeyStays() {
        MirrorSpec m = at(List.of("DE", "AT"), "EU", Set.of(3320), 1, 2);
        MirrorSpec next = GeoRelocation.apply(m, new ClientLocation("US", "NA", 7922, 39.0, -77.0));
        assertThat(next).isEqualTo(new MirrorSpec("m", null, URI.create("https://m.example.org/"), null, null,
                List.of("US"), "NA", Set.of(7922), List.of(), null, Set.of("CN"), 20, 2.0, true, false, 39.0, -77.0,
                MirrorSpec.Origin.API));
    }

    @Test
    void whatGeoIpDoesNotKnowStaysAsDeclared() {
        MirrorSpec m = at(List.of("FR"), "EU", Set.of(3215), 48.8, 2.3);
        MirrorSpec next = GeoRelocation.apply(m, new ClientLocation("BE", "", 0, Double.NaN, Double.NaN));
        assertThat(next.countries()).containsExactly("BE");
        assertThat(next.continent()).isEqualTo("EU");
        assertThat(next.asns()).containsExactly(3215);
        assertThat(next.latitude()).isEqualTo(48.8);
        assertThat(GeoRelocation.knowsNothing(ClientLocation.UNKNOWN)).isTrue();
        assertThat(GeoRelocation.knowsNothing(new ClientLocation("", "", 64500, Double.NaN, Double.NaN))).isFalse();
    }
}
