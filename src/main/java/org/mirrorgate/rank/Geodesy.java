package org.mirrorgate.rank;

/** Great-circle distances on a sphere of the Earth's mean radius (as Mirrorbits' haversine). */
final class Geodesy {
    private static final double EARTH_RADIUS_KM = 6371.0;

    private Geodesy() {}

    static double distanceKm(double lat1, double lon1, double lat2, double lon2) {
        return distanceKm(unitVector(lat1, lon1), unitVector(lat2, lon2));
    }

    /** The point as a unit vector: distances then cost a dot product and one asin. */
    static double[] unitVector(double lat, double lon) {
        double phi = Math.toRadians(lat);
        double lambda = Math.toRadians(lon);
        return new double[] {Math.cos(phi) * Math.cos(lambda), Math.cos(phi) * Math.sin(lambda), Math.sin(phi)};
    }

    static double distanceKm(double[] a, double[] b) {
        return chordToKm(chord(a, b));
    }

    /** Straight-line distance between two unit vectors, 0..2: grows with the great-circle distance. */
    static double chord(double[] a, double[] b) {
        double dx = a[0] - b[0];
        double dy = a[1] - b[1];
        double dz = a[2] - b[2];
        return Math.sqrt(dx * dx + dy * dy + dz * dz);
    }

    /** Km along the sphere -> chord (a distance beyond half the circumference is capped at 2). */
    static double kmToChord(double km) {
        return 2 * Math.sin(Math.min(Math.PI / 2, km / (2 * EARTH_RADIUS_KM)));
    }

    /**
     * Chord -> km as {@link #chordToKm}, within 0.2 m, for ranking every mirror of a plan: asin is
     * not intrinsified (~100 ns), this is a square root and a polynomial (Abramowitz and Stegun
     * 4.4.46: asin x = pi/2 - sqrt(1 - x) P7(x), |error| <= 2e-8 rad on 0..1).
     */
    static double chordToKmFast(double chord) {
        double x = Math.min(1, chord * 0.5);
        // Estrin's scheme: four short chains instead of one of eight (the plan build does this
        // for every mirror; the latency of a Horner chain showed in its time).
        double x2 = x * x;
        double x4 = x2 * x2;
        double p = (1.5707963050 - 0.2145988016 * x) + x2 * (0.0889789874 - 0.0501743046 * x)
                + x4 * ((0.0308918810 - 0.0170881256 * x) + x2 * (0.0066700901 - 0.0012624911 * x));
        return 2 * EARTH_RADIUS_KM * (Math.PI / 2 - Math.sqrt(1 - x) * p);
    }

    /** Chord -> km along the sphere via asin: exact, and well conditioned for short distances. */
    static double chordToKm(double chord) {
        return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, chord / 2));
    }
}
