package org.mirrorgate.index;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.mirrorgate.mirror.MirrorSpec;
import org.mirrorgate.mirror.MirrorState;
import org.roaringbitmap.RoaringBitmap;

/**
 * A synthetic Debian-sized index for benchmarks: Debian-like pool paths with sizes, mtimes and
 * SHA-256 digests, and mirrors each missing a share of the files and holding another share in an
 * older version. Built directly (not through listings), so 375 mirrors take seconds, not minutes.
 */
public final class SyntheticIndex {

    private static final String[] ARCHES = {"amd64", "arm64", "armhf", "i386", "ppc64el", "s390x", "all"};
    private static final long MTIME0 = 1_700_000_000_000L;

    private SyntheticIndex() {}

    /** {@code n} files under pool/ (and a few under dists/), ids 0..n-1, with SHA-256. */
    public static FileTable files(int n, long seed) {
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
                b.put(path, 1_000 + r.nextInt(50_000_000), MTIME0 - r.nextLong(3L * 365 * 86_400_000L), MTIME0);
                r.nextBytes(sha);
                b.setDigest(id, Digest.SHA256, sha);
            }
        }
        return b.build();
    }

    public static List<MirrorSpec> mirrors(int n) {
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
        return new Availability(matching, OutdatedCopies.of(ids, mtimes, k), scannedAt, t.fileCount(), t.fileCount());
    }

    /** Puts the files and {@code mirrors} mirrors into {@code index} in one publication. */
    public static void load(Index index, FileTable files, List<MirrorSpec> mirrors, double missing, double outdated) {
        List<MirrorState> states = new ArrayList<>();
        List<Availability> availability = new ArrayList<>();
        for (int i = 0; i < mirrors.size(); i++) {
            states.add(MirrorState.initial(mirrors.get(i)).withLastScan(MTIME0 + i, 0));
            availability.add(availability(files, missing, outdated, i, MTIME0 + i));
        }
        index.restore(files, true, mirrors, states, availability);
    }
}
