package org.mirrorgate.rank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class GeodesyTest {

    @Test
    void berlinToParisIsAbout878Km() {
        assertThat(Geodesy.distanceKm(52.52, 13.405, 48.857, 2.352)).isCloseTo(877.5, within(2.0));
    }

    @Test
    void chordsAndKilometresConvertBothWaysAndKeepTheOrder() {
        for (double km : new double[] {0.01, 1, 100, 5_000, 19_000}) {
            assertThat(Geodesy.chordToKm(Geodesy.kmToChord(km))).isCloseTo(km, within(km * 1e-9 + 1e-6));
        }
        double[] berlin = Geodesy.unitVector(52.52, 13.405);
        assertThat(Geodesy.chord(berlin, Geodesy.unitVector(48.857, 2.352)))
                .isLessThan(Geodesy.chord(berlin, Geodesy.unitVector(40.71, -74.0)));
    }

    @Test
    void theFastConversionIsWithinAMetreOfTheExactOneAndKeepsTheOrder() {
        double previous = -1;
        for (int i = 0; i <= 200_000; i++) {
            double chord = i / 100_000.0;
            double fast = Geodesy.chordToKmFast(chord);
            assertThat(fast).as("chord %s", chord).isCloseTo(Geodesy.chordToKm(chord), within(0.001));
            assertThat(fast).as("chord %s", chord).isGreaterThanOrEqualTo(previous - 0.0005);
            previous = fast;
        }
    }
}
