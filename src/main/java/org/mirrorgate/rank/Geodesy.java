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
        double dx = a[0] - b[0];
        double dy = a[1] - b[1];
        double dz = a[2] - b[2];
        double chord = Math.sqrt(dx * dx + dy * dy + dz * dz);
        // chord -> central angle via asin: exact, and well conditioned for short distances.
        return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, chord / 2));
    }
}
