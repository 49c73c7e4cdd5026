package org.mirrorgate.bench;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.mirrorgate.geo.ClientLocation;
import org.mirrorgate.geo.GeoLookup;
import org.mirrorgate.index.Availability;
import org.mirrorgate.index.Digest;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.Index;
import org.mirrorgate.mirror.MirrorSpec;
import org.mirrorgate.mirror.MirrorState;
import org.roaringbitmap.RoaringBitmap;

/**
 * Debian-shaped indexes for the benchmarks and the tests that need size. {@link #build}: for the
 * Resolve benchmarks, {@code files} paths like {@code pool/main/l/libfoo123/libfoo123_1.2-3_amd64.deb}
 * (a pure function of the id, so load generators can name files without the table), {@code mirrors}
 * mirrors spread over 40 countries, each missing ~2 % of the files and holding ~1 % in an outdated
 * version. {@link #packageFiles} and {@link #load}: for the store and codec, files with digests and
 * mirrors whose shares of missing and outdated files are given.
 */
public final class SyntheticIndex {

    static final String[] COUNTRIES = {"DE", "FR", "GB", "NL", "SE", "PL", "IT", "ES", "CZ", "AT", "CH", "FI", "NO",
            "DK", "BE", "PT", "RO", "HU", "GR", "UA", "US", "CA", "MX", "BR", "AR", "CL", "JP", "KR", "CN", "TW", "IN",
            "SG", "ID", "AU", "NZ", "ZA", "KE", "EG", "TR", "IL"};
    static final String[] CONTINENTS = {"EU", "EU", "EU", "EU", "EU", "EU", "EU", "EU", "EU", "EU", "EU", "EU", "EU",
            "EU", "EU", "EU", "EU", "EU", "EU", "EU", "NA", "NA", "NA", "SA", "SA", "SA", "AS", "AS", "AS", "AS", "AS",
            "AS", "AS", "OC", "OC", "AF", "AF", "AF", "AS", "AS"};
    static final long MTIME = 1_700_000_000_000L;
    private static final String[] ARCHES = {"amd64", "arm64", "armhf", "i386", "ppc64el", "s390x", "all"};

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
                    URI.create("https://m" + m + ".example.org/debian/"),
                    URI.create("rsync://m" + m + ".example.org/debian/"), null, List.of(COUNTRIES[c]),
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

    /**
     * For the store and codec benchmarks: {@code n} files of Debian-like packages (.dsc,
     * .orig.tar.xz, one .deb per architecture) with random sizes, mtimes and SHA-256 digests.
     */
    public static FileTable packageFiles(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        FileTable.Builder b = FileTable.EMPTY.toBuilder().keepDigest(Digest.SHA256);
        byte[] sha = new byte[32];
        int pkg = 0;
        for (int id = 0; id < n; pkg++) {
            String name = "pkg" + Integer.toString(pkg, 36) + (pkg % 7 == 0 ? "-dev" : pkg % 5 == 0 ? "-common" : "");
            String dir = "pool/" + (pkg % 10 == 0 ? "contrib" : "main") + "/"
                    + (name.startsWith("lib") ? name.substring(0, 4) : name.substring(0, 1)) + "/" + name + "/";
            String version = (1 + r.nextInt(20)) + "." + r.nextInt(100) + "-" + (1 + r.nextInt(5));
            int files = 8 + r.nextInt(16);
            for (int f = 0; f < files && id < n; f++, id++) {
                String path = f == 0 ? dir + name + "_" + version + ".dsc"
                        : f == 1 ? dir + name + "_" + version + ".orig.tar.xz"
                        : dir + name + (f > 8 ? "-dbgsym" + f : "") + "_" + version + "_" + ARCHES[f % ARCHES.length] + ".deb";
                b.put(path, 1_000 + r.nextInt(50_000_000), MTIME - r.nextLong(3L * 365 * 86_400_000L), MTIME);
                r.nextBytes(sha);
                b.setDigest(id, Digest.SHA256, sha);
            }
        }
        return b.build();
    }

    /** {@code n} plain mirrors without geography (the store does not care where they are). */
    public static List<MirrorSpec> plainMirrors(int n) {
        List<MirrorSpec> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(MirrorSpec.simple("mirror" + i + ".example.org", "http://mirror" + i + ".example.org/debian/",
                    "https://mirror" + i + ".example.org/debian/"));
        }
        return out;
    }

    /**
     * What one mirror holds: all files but a random {@code missing} share, of which another random
     * {@code outdated} share in an older version (mtime a day to a month older).
     */
    public static Availability availability(FileTable t, double missing, double outdated, long seed, long scannedAt) {
        SplittableRandom r = new SplittableRandom(seed);
        RoaringBitmap matching = new RoaringBitmap();
        matching.add(0L, t.idLimit());
        int cap = (int) (t.idLimit() * outdated * 1.2) + 16;
        int[] ids = new int[cap];
        long[] mtimes = new long[cap];
        int k = 0;
        for (int id = 0; id < t.idLimit(); id++) {
            double x = r.nextDouble();
            if (x < missing + outdated) {
                matching.remove(id);
                if (x >= missing && k < cap) {
                    ids[k] = id;
                    mtimes[k++] = t.mtimeMillis(id) - 86_400_000L * (1 + r.nextInt(30));
                }
            }
        }
        return Availability.of(matching, Arrays.copyOf(ids, k), Arrays.copyOf(mtimes, k), scannedAt, t.fileCount(), t.fileCount());
    }

    /** Puts the files and {@code mirrors} mirrors into {@code index} in one publication. */
    public static void load(Index index, FileTable files, List<MirrorSpec> mirrors, double missing, double outdated) {
        List<MirrorState> states = new ArrayList<>();
        List<Availability> availability = new ArrayList<>();
        for (int i = 0; i < mirrors.size(); i++) {
            states.add(MirrorState.initial(mirrors.get(i)).withLastScan(MTIME + i, 0));
            availability.add(availability(files, missing, outdated, i, MTIME + i));
        }
        index.restore(files, true, mirrors, states, availability);
    }
}
