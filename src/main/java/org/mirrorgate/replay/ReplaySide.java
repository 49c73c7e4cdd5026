package org.mirrorgate.replay;

import com.google.common.base.Ticker;
import org.mirrorgate.config.MirrorgateConfig;
import org.mirrorgate.geo.ClientLocation;
import org.mirrorgate.geo.GeoLookup;
import org.mirrorgate.index.Index;
import org.mirrorgate.load.CapacityGovernor;
import org.mirrorgate.load.LoadBoard;
import org.mirrorgate.load.LoadMeter;
import org.mirrorgate.mirror.MirrorSpec;
import org.mirrorgate.rank.Ranker;
import org.mirrorgate.resolve.Decision;
import org.mirrorgate.resolve.DecisionListener;
import org.mirrorgate.resolve.InvalidRequestException;
import org.mirrorgate.resolve.NotReadyException;
import org.mirrorgate.resolve.Resolver;
import org.mirrorgate.stats.DownloadRecorder;
import org.mirrorgate.stats.SameDownloadFilter;

/**
 * One config's decisions, wired as {@code server.Services} wires them (ranker, path rules,
 * fallbacks, the same-download filter in front of the load meter, the capacity governor) but on the
 * log's clock, and counting nothing anywhere: the meter's load goes to the governor alone.
 *
 * <p>Capacity is simulated as the service learns it: the governor's period is taken on the log's
 * times, so a mirror with {@code max-mbps} sheds what the logged traffic would have made it shed.
 * A log with no times leaves every mirror keeping all of its requests ({@link #capacitySimulated}).
 */
final class ReplaySide {

    private final Index index;
    private final SeededDraw draw;
    private final Resolver resolver;
    private final Ranker ranker;
    private final LoadMeter meter;
    private final boolean anyCeiling;
    /** Built at the log's first time: it starts its first period when built. */
    private CapacityGovernor governor;
    private long clockMillis = LogRequest.NO_TIME;
    private long lastTickMillis = LogRequest.NO_TIME;
    private ClientLocation location = ClientLocation.UNKNOWN;
    private boolean ticked;

    ReplaySide(MirrorgateConfig config, Index index, GeoLookup geo, SeededDraw draw) {
        this.index = index;
        this.draw = draw;
        this.ranker = new Ranker(config.rank());
        this.meter = new LoadMeter(DownloadRecorder.NONE);
        // The filter's window runs on the log's time too: a resumed download's parts count once.
        Ticker logTicker = new Ticker() {
            @Override
            public long read() {
                return clockMillis == LogRequest.NO_TIME ? 0 : clockMillis * 1_000_000;
            }
        };
        this.anyCeiling = index.snapshot().specs().stream().anyMatch(MirrorSpec::hasBandwidthCeiling);
        // Only the governor reads the load: without a max-mbps the filter's cache would cost a
        // third of a replay for nothing.
        DownloadRecorder counted = anyCeiling ? new SameDownloadFilter(meter, config.counting(), logTicker)
                : DownloadRecorder.NONE;
        DecisionListener located = (path, clientIp, client, decision) -> location = client;
        this.resolver = new Resolver(index, geo, ranker, config.policies(), config.fallbacks(), config.resolve(),
                counted, config.pages(), located).drawingFrom(draw);
    }

    /** The decision for {@code r}, after the periods of capacity balancing the log's clock says passed. */
    Decision decide(LogRequest r, boolean https) throws InvalidRequestException, NotReadyException {
        advance(r.timeMillis());
        return resolver.resolve(r.path(), r.ip(), https, r.method(), r.query());
    }

    /** Seeds the draws of the next decision. */
    void seed(long seed) {
        draw.seed(seed);
    }

    /** What GeoIP knows of the last decided request's client. */
    ClientLocation location() {
        return location;
    }

    /** True when a mirror declares {@code max-mbps}. */
    boolean hasCapacities() {
        return anyCeiling;
    }

    /** True when at least one balancing period ran on the log's times. */
    boolean capacitySimulated() {
        return ticked;
    }

    Index index() {
        return index;
    }

    private void advance(long time) {
        if (time == LogRequest.NO_TIME) {
            return;
        }
        if (lastTickMillis == LogRequest.NO_TIME) {
            clockMillis = time;
            lastTickMillis = time;
            if (anyCeiling) {
                governor = new CapacityGovernor(meter, LoadBoard.LOCAL, () -> index.snapshot().specs(),
                        ranker::admit, () -> clockMillis);
            }
            return;
        }
        // Time going backwards (logs given newest first, merged front ends) waits until it is past
        // the last period again: a period of "0 s" would read as an enormous rate.
        clockMillis = Math.max(clockMillis, time);
        if (governor != null && clockMillis - lastTickMillis >= CapacityGovernor.PERIOD.toMillis()) {
            governor.tick();
            lastTickMillis = clockMillis;
            ticked = true;
        }
    }
}
