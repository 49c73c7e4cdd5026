package org.mirrorgate.bench;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.mirrorgate.geo.ClientLocation;
import org.mirrorgate.geo.GeoLookup;
import org.mirrorgate.index.Availability;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.Index;
import org.mirrorgate.mirror.MirrorSpec;
import org.roaringbitmap.RoaringBitmap;

/**
 * A Debian-shaped index for benchmarks: {@code files} paths like
 * {@code pool/main/l/libfoo123/libfoo123_1.2-3_amd64.deb}, {@code mirrors} mirrors spread over 40
 * countries, each missing ~2 % of the files and holding ~1 % in an outdated version.
 */
public final class SyntheticIndex {

    static final String[] COUNTRIES = {"DE", "FR", "GB", "NL", "SE", "PL", "IT", "ES", "CZ", "AT", "CH", "FI", "NO",
            "DK", "BE", "PT", "RO", "HU", "GR", "UA", "US", "CA", "MX", "BR", "AR", "CL", "JP", "KR", "CN", "TW", "IN",
            "SG", "ID", "AU", "NZ", "ZA", "KE", "EG", "TR", "IL"};
    static final String[] CONTINENTS = {"EU", "EU", "EU", "EU", "EU", "EU", "EU", "EU", "EU", "EU", "EU", "EU", "EU",
            "EU", "EU", "EU", "EU", "EU", "EU", "EU", "NA", "NA", "NA", "SA", "SA", "SA", "AS", "AS", "AS", "AS", "AS",
            "AS", "AS", "OC", "OC", "AF", "AF", "AF", "AS", "AS"};
    static final long MTIME = 1_700_000_000_000L;

    private SyntheticIndex() {}

    public static String path(int i) {
        String pkg = "lib" + Integer.toString(i / 7, 36) + "x";
        return "pool/main/" + pkg.charAt(3) + "/" + pkg + "/" + pkg + "_1." + (i % 7) + "-" + (i % 13) + "_amd64.deb";
    }

    public static List<MirrorSpec> mirrors(int count, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<MirrorSpec> out = new ArrayList<>();
        for (int m = 0; m < count; m++) {
            int c = r.nextInt(COUNTRIES.length);
            out.add(new MirrorSpec("mirror-" + m, URI.create("http://m" + m + ".example.org/debian/"),
                    URI.create("https://m" + m + ".example.org/debian/"), null, null, List.of(COUNTRIES[c]),
                    CONTINENTS[c], Set.of(64_500 + m % 50), List.of(), MirrorSpec.Restrictions.NONE, Set.of(), 0,
                    1 + r.nextInt(4), true, false, -50 + r.nextDouble() * 110, -120 + r.nextDouble() * 260));
        }
        return out;
    }

    /** Builds and publishes the whole index; prints progress, since this takes seconds at full scale. */
    public static Index build(int files, int mirrors, long seed) {
        List<MirrorSpec> specs = mirrors(mirrors, seed);
        Index index = new Index(specs, () -> MTIME + 10_000);
        FileTable.Builder b = index.snapshot().files().toBuilder();
        for (int i = 0; i < files; i++) {
            b.put(path(i), 10_000 + i % 100_000, MTIME, MTIME);
        }
        index.publishFiles(b);
        SplittableRandom r = new SplittableRandom(seed);
        int missing = files / 50;
        int outdated = files / 100;
        for (MirrorSpec spec : specs) {
            RoaringBitmap matching = RoaringBitmap.bitmapOfRange(0, files);
            int[] outIds = new int[outdated];
            long[] outMtimes = new long[outdated];
            for (int k = 0; k < missing; k++) {
                matching.remove(r.nextInt(files));
            }
            for (int k = 0; k < outdated; k++) {
                int id = r.nextInt(files);
                matching.remove(id);
                outIds[k] = id;
                outMtimes[k] = MTIME - 3_600_000;
            }
            index.restoreAvailability(spec.name(), Availability.of(matching, outIds, outMtimes, MTIME, files, files));
        }
        long start = System.nanoTime();
        index.refreshGaps(); // as the server's MirrorGapsRefresher does once the scans are in
        System.err.printf("synthetic index: gap rows built in %d ms%n", (System.nanoTime() - start) / 1_000_000);
        return index;
    }

    /** Clients spread over the same countries, with coordinates and an ASN, keyed by address. */
    public static GeoLookup geo() {
        return address -> {
            byte[] a = address.getAddress();
            int h = ((a[a.length - 2] & 0xff) << 8 | (a[a.length - 1] & 0xff)) * 31 + (a[a.length - 3] & 0xff);
            int c = Math.floorMod(h, COUNTRIES.length);
            return new ClientLocation(COUNTRIES[c], CONTINENTS[c], 64_500 + Math.floorMod(h, 997),
                    -50 + Math.floorMod(h * 7, 110), -120 + Math.floorMod(h * 13, 260));
        };
    }
}
