package org.mirrorgate.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.mirrorgate.config.ConfigLoader;
import org.mirrorgate.config.MirrorgateConfig;
import org.mirrorgate.geo.CountryDatabases;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.Index;
import org.mirrorgate.index.ListingIngest;
import org.mirrorgate.store.StateStore;

/**
 * Writes what {@code bench/replay-bench.sh} replays: an embedded store of {@code files}
 * Debian-shaped files scanned on {@code mirrors} mirrors (each missing a random 2 %), a City
 * database placing 40 countries' networks, current.yaml and new.yaml (new: the busiest country's
 * first mirror at max-mbps 1000, another at capacity 3), and a gzip combined log of {@code lines}
 * requests over one day from 50,000 clients (a few per cent POSTs, other prefixes, bad lines).
 *
 * <p>{@code java -cp CP org.mirrorgate.bench.ReplayBenchMain DIR [lines] [files] [mirrors]}
 */
public final class ReplayBenchMain {

    private static final long T0 = 1_790_000_000_000L;
    private static final DateTimeFormatter TIME_LOCAL =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);

    private ReplayBenchMain() {}

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        int lines = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        int files = args.length > 2 ? Integer.parseInt(args[2]) : 100_000;
        int mirrors = args.length > 3 ? Integer.parseInt(args[3]) : 60;
        Files.createDirectories(dir.resolve("repo"));
        SplittableRandom r = new SplittableRandom(17);
        int countries = SyntheticIndex.COUNTRIES.length;
        double[] lat = new double[countries];
        double[] lon = new double[countries];
        Map<String, CountryDatabases.Place> networks = new HashMap<>();
        for (int c = 0; c < countries; c++) {
            lat[c] = -40 + r.nextDouble() * 100;
            lon[c] = -120 + r.nextDouble() * 260;
            networks.put("10." + c + ".0.0/16", new CountryDatabases.Place(SyntheticIndex.COUNTRIES[c],
                    SyntheticIndex.CONTINENTS[c], lat[c], lon[c]));
        }
        CountryDatabases.write(dir.resolve("city.mmdb"), networks);
        StringBuilder cur = new StringBuilder("mirrors:\n");
        StringBuilder next = new StringBuilder("mirrors:\n");
        for (int m = 0; m < mirrors; m++) {
            int c = m % countries;
            String line = String.format(Locale.ROOT, "  - {name: m%d, http-url: \"http://m%d.example.org/debian/\","
                    + " countries: [\"%s\"], continent: %s, latitude: %.3f, longitude: %.3f%%s}%n", m, m,
                    SyntheticIndex.COUNTRIES[c], SyntheticIndex.CONTINENTS[c], lat[c] + r.nextDouble() - 0.5,
                    lon[c] + r.nextDouble() - 0.5);
            cur.append(line.formatted(""));
            next.append(line.formatted(m == 0 ? ", max-mbps: 1000" : m == 1 ? ", capacity: 3" : ""));
        }
        String head = """
                repository: {root: repo, url-prefix: /debian/}
                geoip: {city-database: city.mmdb}
                store: {path: state}
                """;
        Files.writeString(dir.resolve("current.yaml"), head + cur);
        Files.writeString(dir.resolve("new.yaml"), head + next);
        writeStore(dir.resolve("current.yaml"), files);
        writeLog(dir.resolve("access.log.gz"), lines, files, r);
        System.err.printf("wrote %s: %,d files x %d mirrors, %,d log lines%n", dir, files, mirrors, lines);
    }

    private static void writeStore(Path config, int files) throws IOException {
        MirrorgateConfig c = ConfigLoader.load(config);
        Index index = new Index(c.mirrors(), () -> T0);
        try (StateStore store = StateStore.open(c.store(), index)) {
            FileTable.Builder b = index.snapshot().files().toBuilder();
            for (int i = 0; i < files; i++) {
                b.put(SyntheticIndex.path(i), 100_000 + i % 10_000_000, T0, T0);
            }
            index.publishFiles(b);
            SplittableRandom r = new SplittableRandom(3);
            for (var spec : c.mirrors()) {
                ListingIngest in = index.beginListing(spec.name());
                FileTable t = index.snapshot().files();
                for (int i = 0; i < files; i++) {
                    if (r.nextInt(50) != 0) {
                        in.accept(SyntheticIndex.path(i), t.size(t.idOf(SyntheticIndex.path(i))), T0);
                    }
                }
                index.applyListing(in.finish(T0, 0));
            }
            if (!store.flush()) {
                throw new IllegalStateException("store not flushed");
            }
        }
    }

    private static void writeLog(Path file, int lines, int files, SplittableRandom r) throws IOException {
        int countries = SyntheticIndex.COUNTRIES.length;
        try (Writer w = new BufferedWriter(new OutputStreamWriter(new GZIPOutputStream(Files.newOutputStream(file),
                1 << 16), StandardCharsets.US_ASCII), 1 << 16)) {
            String time = "";
            long second = -1;
            for (int n = 0; n < lines; n++) {
                long t = T0 + (long) n * 86_400_000L / lines;
                if (t / 1000 != second) {
                    second = t / 1000;
                    time = TIME_LOCAL.format(Instant.ofEpochMilli(t));
                }
                int client = r.nextInt(50_000);
                String ip = "10." + client % countries + "." + (client / 250 % 250) + "." + (1 + client % 250);
                // popular files first: the square of a uniform draw
                double u = r.nextDouble();
                int f = (int) (u * u * files);
                int k = r.nextInt(1000);
                String method = k < 10 ? "POST" : k < 200 ? "HEAD" : "GET";
                String prefix = k >= 990 ? "/ubuntu/" : "/debian/";
                if (k == 500) {
                    w.write("garbage line " + n + "\n");
                    continue;
                }
                w.write(ip + " - - [" + time + "] \"" + method + " " + prefix + SyntheticIndex.path(f)
                        + " HTTP/1.1\" 302 154 \"-\" \"Debian APT-HTTP/1.3 (2.6.1)\"\n");
            }
        }
    }
}
