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

    /** Distinct client addresses; the plan cache holds 65,536. */
    @Param("50000")
    int clients;

    Resolver resolver;
    String[] paths;
    String[] ips;

    @Setup(Level.Trial)
    public void setUp() {
        Index index = SyntheticIndex.build(files, mirrors, 42);
        resolver = new Resolver(index, SyntheticIndex.geo(), new Ranker(RankSettings.DEFAULTS), PathRules.NONE,
                List.of(), new ResolveSettings("/debian/", 5, 65_536), DownloadRecorder.NONE);
        SplittableRandom r = new SplittableRandom(7);
        paths = new String[1 << 16];
        for (int i = 0; i < paths.length; i++) {
            paths[i] = "/debian/" + SyntheticIndex.path(r.nextInt(files));
        }
        ips = new String[clients];
        for (int i = 0; i < clients; i++) {
            ips[i] = (1 + r.nextInt(222)) + "." + r.nextInt(256) + "." + r.nextInt(256) + "." + (1 + r.nextInt(254));
        }
    }

    private int next;

    @Benchmark
    public Decision resolveRandomFileRandomClient() throws Exception {
        int n = next++;
        return resolver.resolve(paths[n & (paths.length - 1)], ips[Math.floorMod(n * 40_503, ips.length)],
                (n & 1) == 0, "GET", "");
    }
}
