package org.mirrorgate.bench;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.mirrorgate.index.Index;
import org.mirrorgate.rank.PathRules;
import org.mirrorgate.rank.RankSettings;
import org.mirrorgate.rank.Ranker;
import org.mirrorgate.resolve.Decision;
import org.mirrorgate.resolve.ResolveSettings;
import org.mirrorgate.resolve.Resolver;
import org.mirrorgate.stats.DownloadRecorder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Resolve in-process at Debian scale: random files, random clients from a pool, real ranking.
 * Run with {@code bench/resolve-jmh.sh} (see docs/benchmarks.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ResolveBenchmark {

    @Param("1640000")
    int files;

    @Param("375")
    int mirrors;

    /**
     * Distinct client addresses. 20,000 fit the default plan cache (65,536): the steady state of
     * clients that come back (apt fetches dozens of files per run); 2,000,000 makes nearly every
     * call a plan miss (GeoIP + per-mirror distances + sort): the cost of a client never seen.
     */
    @Param({"20000", "2000000"})
    int clients;

    Resolver resolver;
    Ranker ranker;
    Index index;
    String[] paths;
    String[] ips;
    java.net.InetAddress[] addresses;
    org.mirrorgate.geo.GeoLookup geo;

    @Setup(Level.Trial)
    public void setUp() {
        index = SyntheticIndex.build(files, mirrors, 42);
        geo = SyntheticIndex.geo();
        ranker = new Ranker(RankSettings.DEFAULTS);
        resolver = new Resolver(index, geo, ranker, PathRules.NONE,
                List.of(), ResolveSettings.DEFAULTS.withUrlPrefix("/debian/"), DownloadRecorder.NONE);
        SplittableRandom r = new SplittableRandom(7);
        paths = new String[1 << 16];
        for (int i = 0; i < paths.length; i++) {
            paths[i] = "/debian/" + SyntheticIndex.path(r.nextInt(files));
        }
        ips = new String[clients];
        for (int i = 0; i < clients; i++) {
            ips[i] = (1 + r.nextInt(222)) + "." + r.nextInt(256) + "." + r.nextInt(256) + "." + (1 + r.nextInt(254));
        }
        addresses = new java.net.InetAddress[4096];
        for (int i = 0; i < addresses.length; i++) {
            addresses[i] = com.google.common.net.InetAddresses.forString(ips[i % ips.length]);
        }
    }

    private int next;

    @Benchmark
    public Decision resolveRandomFileRandomClient() throws Exception {
        int n = next++;
        return resolver.resolve(paths[n & (paths.length - 1)], ips[Math.floorMod(n * 40_503, ips.length)],
                (n & 1) == 0, "GET", "");
    }

    /** What a client never seen costs: GeoIP aside, its mirror order over all mirrors. */
    @Benchmark
    public org.mirrorgate.rank.ClientPlan planForNewClient() {
        java.net.InetAddress a = addresses[next++ & (addresses.length - 1)];
        return ranker.plan(index.snapshot(), a, geo.lookup(a), 6);
    }
}
