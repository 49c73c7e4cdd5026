package org.mirrorgate.replay;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.mirrorgate.config.ConfigLoader;
import org.mirrorgate.config.MirrorgateConfig;
import org.mirrorgate.geo.CountryDatabases;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.Index;
import org.mirrorgate.index.ListingIngest;
import org.mirrorgate.store.StateStore;

/**
 * A real store with a known tree, real GeoIP databases and real config files, for replays: clients
 * of 192.0.2.0/24 are in Berlin (DE), of 81.2.69.0/24 in London (GB). Mirrors de1 (Berlin), de2
 * (Frankfurt, ~420 km) and gb1 (London) hold every file; their near groups with the defaults:
 * Berlin's clients share de1 and de2 by capacity (both of the country's tier), London's go to gb1
 * alone (the DE mirrors are of the continent's tier).
 */
final class ReplayFixture {

    static final long T0 = 1_790_000_000_000L;
    /** Files pool/f0.deb .. pool/f48.deb, 10 MB each (80 Mbit). 49: prime to the client counts used. */
    static final int FILES = 49;
    static final long FILE_SIZE = 10_000_000L;

    static final String MIRRORS = """
            mirrors:
              - {name: de1, http-url: "http://de1.example.org/debian/", countries: [DE], continent: EU, latitude: 52.52, longitude: 13.40%s}
              - {name: de2, http-url: "http://de2.example.org/debian/", countries: [DE], continent: EU, latitude: 50.11, longitude: 8.68%s}
              - {name: gb1, http-url: "http://gb1.example.org/debian/", countries: [GB], continent: EU, latitude: 51.51, longitude: -0.13%s}
            """;

    private final Path dir;

    ReplayFixture(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir.resolve("repo"));
        CountryDatabases.write(dir.resolve("city.mmdb"), Map.of(
                "192.0.2.0/24", new CountryDatabases.Place("DE", "EU", 52.52, 13.40),
                "81.2.69.0/24", new CountryDatabases.Place("GB", "EU", 51.5142, -0.0931)));
    }

    Path dir() {
        return dir;
    }

    /** A config file with extra keys per mirror (", capacity: 3") in the order de1, de2, gb1. */
    Path config(String name, String de1, String de2, String gb1) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, """
                repository: {root: repo, url-prefix: /debian/}
                geoip: {city-database: city.mmdb}
                store: {path: state}
                """ + MIRRORS.formatted(de1, de2, gb1));
        return file;
    }

    /** Writes the store as a service that indexed the tree and scanned every mirror would leave it. */
    void writeStore(Path config) throws IOException {
        MirrorgateConfig c = ConfigLoader.load(config);
        Index index = new Index(c.mirrors(), () -> T0);
        try (StateStore store = StateStore.open(c.store(), index)) {
            FileTable.Builder b = index.snapshot().files().toBuilder();
            for (int i = 0; i < FILES; i++) {
                b.put("pool/f" + i + ".deb", FILE_SIZE, T0, T0);
            }
            index.publishFiles(b);
            for (String m : List.of("de1", "de2", "gb1")) {
                ListingIngest in = index.beginListing(m);
                for (int i = 0; i < FILES; i++) {
                    in.accept("pool/f" + i + ".deb", FILE_SIZE, T0);
                }
                index.applyListing(in.finish(T0, 0));
            }
            if (!store.flush()) {
                throw new IllegalStateException("store not flushed");
            }
        }
    }

    private static final DateTimeFormatter TIME_LOCAL =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** One combined-format line. */
    static String combined(String ip, long millis, String method, String uri, int status, long bytes) {
        return ip + " - - [" + TIME_LOCAL.format(Instant.ofEpochMilli(millis)) + "] \"" + method + " " + uri
                + " HTTP/1.1\" " + status + " " + bytes + " \"-\" \"Debian APT-HTTP/1.3 (2.6.1)\"";
    }

    /** The n-th of {@code count} clients: 192.0.2.x (DE) or 81.2.69.x (GB), x in 1..250. */
    static String client(boolean germany, int n) {
        return (germany ? "192.0.2." : "81.2.69.") + (1 + n % 250);
    }

    Path write(String name, List<String> lines) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, lines, StandardCharsets.UTF_8);
        return file;
    }

    Path writeGzip(String name, List<String> lines) throws IOException {
        Path file = dir.resolve(name);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            for (String l : lines) {
                out.write((l + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        return file;
    }
}
