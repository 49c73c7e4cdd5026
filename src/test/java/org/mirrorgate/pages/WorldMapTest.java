package org.mirrorgate.pages;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WorldMapTest {

    @Test
    void coordinatesAreFormattedAsStringFormatWithOneDecimalWouldOverTheWholeMap() {
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 100_000; i++) {
            double lon = r.nextDouble(-180, 180);
            double lat = r.nextDouble(-90, 90);
            assertThat(WorldMap.fmt(WorldMap.x(lon))).isEqualTo(String.format(Locale.ROOT, "%.1f", WorldMap.x(lon)));
            assertThat(WorldMap.fmt(WorldMap.y(lat))).isEqualTo(String.format(Locale.ROOT, "%.1f", WorldMap.y(lat)));
        }
        assertThat(WorldMap.fmt(0)).isEqualTo("0.0");
        assertThat(WorldMap.fmt(720)).isEqualTo("720.0");
        assertThat(WorldMap.fmt(639.44)).isEqualTo("639.4");
    }
}
