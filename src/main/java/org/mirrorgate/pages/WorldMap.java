package org.mirrorgate.pages;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.ArrayList;
import java.util.List;
import org.mirrorgate.mirror.MirrorSpec;

/**
 * An inline SVG world map, drawn without any external service (no tile server, no CDN): an
 * equirectangular graticule every 30 degrees, with the client and the mirrors placed by their
 * coordinates. Coordinates are formatted here so the template only copies them.
 */
record WorldMap(int width, int height, @JsonIgnore List<Line> grid, List<Marker> markers) {

    static final int WIDTH = 720;
    static final int HEIGHT = 360;

    record Line(String x1, String y1, String x2, String y2) {}

    /** @param kind CSS class: client, chosen or mirror */
    record Marker(String kind, String x, String y, String r, String label, double latitude, double longitude) {}

    static Builder builder() {
        return new Builder();
    }

    static final class Builder {
        private final List<Marker> markers = new ArrayList<>();

        void mirror(MirrorSpec spec, boolean chosen) {
            if (spec.hasCoordinates()) {
                markers.add(marker(chosen ? "chosen" : "mirror", spec.latitude(), spec.longitude(), chosen ? 4 : 3,
                        spec.name()));
            }
        }

        void client(double lat, double lon, String label) {
            markers.add(marker("client", lat, lon, 5, label));
        }

        WorldMap build() {
            // Excluded mirrors first, then chosen, then the client: later markers are drawn on top.
            List<Marker> ordered = new ArrayList<>(markers.size());
            for (String kind : List.of("mirror", "chosen", "client")) {
                markers.stream().filter(m -> m.kind().equals(kind)).forEach(ordered::add);
            }
            return new WorldMap(WIDTH, HEIGHT, GRID, List.copyOf(ordered));
        }
    }

    private static final List<Line> GRID = graticule();

    private static List<Line> graticule() {
        List<Line> lines = new ArrayList<>();
        for (int lon = -180; lon <= 180; lon += 30) {
            String x = fmt(x(lon));
            lines.add(new Line(x, "0", x, Integer.toString(HEIGHT)));
        }
        for (int lat = -90; lat <= 90; lat += 30) {
            String y = fmt(y(lat));
            lines.add(new Line("0", y, Integer.toString(WIDTH), y));
        }
        return List.copyOf(lines);
    }

    private static Marker marker(String kind, double lat, double lon, int r, String label) {
        return new Marker(kind, fmt(x(lon)), fmt(y(lat)), Integer.toString(r), label, lat, lon);
    }

    static double x(double lon) {
        return (lon + 180) / 360 * WIDTH;
    }

    static double y(double lat) {
        return (90 - lat) / 180 * HEIGHT;
    }

    /**
     * One decimal, as {@code String.format("%.1f")} (half up) but without its parser: three per
     * mirror, String.format was most of a 375-mirror page's render (PagesBenchmark).
     */
    static String fmt(double v) {
        long tenths = Math.round(v * 10);
        long abs = Math.abs(tenths);
        return (tenths < 0 ? "-" : "") + abs / 10 + "." + abs % 10;
    }
}
