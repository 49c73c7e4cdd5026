package org.mirrorgate.bench;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import org.mirrorgate.geo.GeoLookup;
import org.mirrorgate.index.Index;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.pages.MirrorRanking;
import org.mirrorgate.pages.Page;
import org.mirrorgate.pages.PageTemplates;
import org.mirrorgate.pages.Pages;
import org.mirrorgate.rank.ClientPlan;
import org.mirrorgate.rank.PathPolicy;
import org.mirrorgate.rank.RankSettings;
import org.mirrorgate.rank.Ranker;
import org.mirrorgate.stats.DownloadTotals;
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
 * What one uncached page costs in-process with 375 mirrors (issue 15.7: a mirror list under 5 ms):
 * the ranking of every mirror for the file (Explain) and the render, HTML or JSON, as the
 * resolver does on a {@code PageCache} miss. Run with {@code bench/pages-jmh.sh} (docs/benchmarks.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PagesBenchmark {

    /** Files only set which one is asked; the page's cost is in the mirrors. */
    @Param("20000")
    int files;

    @Param("375")
    int mirrors;

    IndexSnapshot snap;
    Ranker ranker;
    ClientPlan plan;
    GeoLookup geo;
    InetAddress client;
    int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Index index = SyntheticIndex.build(files, mirrors, 42);
        snap = index.snapshot();
        geo = SyntheticIndex.geo();
        ranker = new Ranker(RankSettings.DEFAULTS);
        client = InetAddress.getByName("81.2.69.160");
        plan = ranker.plan(snap, client, geo.lookup(client), 6);
    }

    private MirrorRanking ranking() {
        int id = (next++ * 40_503) % files;
        return new MirrorRanking(snap, id, plan.location(), PathPolicy.DEFAULT, false,
                ranker.explain(snap, plan, id, PathPolicy.DEFAULT, false));
    }

    @Benchmark
    public Page mirrorListHtml() {
        return Pages.mirrorList(ranking(), "81.2.69.160", PageTemplates.BUILT_IN, false);
    }

    @Benchmark
    public Page mirrorListJson() {
        return Pages.mirrorList(ranking(), "81.2.69.160", PageTemplates.BUILT_IN, true);
    }

    @Benchmark
    public Page mirrorStatsHtml() {
        return Pages.mirrorStats(snap, DownloadTotals.Snapshot.NONE, PageTemplates.BUILT_IN, false);
    }

    @Benchmark
    public Page mirrorsJson() {
        return Pages.mirrorsJson(snap);
    }
}
