package org.mirrorgate.load;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.mirrorgate.mirror.MirrorSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every period: measures the load this replica's redirects put on each mirror, exchanges it with
 * the other replicas ({@link LoadBoard}), and sets for each mirror with a declared bandwidth the
 * share of its requests it keeps ({@link Admission}), so that its total load stays near that
 * bandwidth; the ranking sends the rest to the next mirrors (docs/ranking.md, capacity).
 *
 * <p>The control rule: the load a mirror would get if it kept every request (its load divided by
 * the share it kept) is smoothed over periods, and the share that would bring it to its bandwidth
 * is approached half way each period. Smoothing that estimate rather than the load adds no lag
 * when the share moves, and the half step keeps it from oscillating when the figures are a period
 * old (the other replicas' part is one exchange behind); the floor keeps a trickle of requests
 * flowing, so the estimate stays measurable and the share can rise again.
 */
public final class CapacityGovernor {

    private static final Logger log = LoggerFactory.getLogger(CapacityGovernor.class);

    /** How often replicas exchange their load and the shares are adjusted. */
    public static final Duration PERIOD = Duration.ofSeconds(5);
    /** A shedding mirror keeps at least this share of its requests. */
    public static final double MIN_SHARE = 0.01;
    /** Weight of the newest period in the smoothed load. */
    static final double SMOOTHING = 0.5;
    /** How far the share moves towards its target in one period. */
    static final double GAIN = 0.5;

    private final LoadMeter meter;
    private final LoadBoard board;
    private final Supplier<List<MirrorSpec>> mirrors;
    private final Consumer<Admission> publish;
    private final LongSupplier clockMillis;
    private final Map<String, Double> smoothed = new HashMap<>();
    private final Map<String, Double> share = new HashMap<>();
    private long lastMillis;
    private int replicas = 1;
    private ScheduledFuture<?> task;

    public CapacityGovernor(LoadMeter meter, LoadBoard board, Supplier<List<MirrorSpec>> mirrors,
            Consumer<Admission> publish, LongSupplier clockMillis) {
        this.meter = meter;
        this.board = board;
        this.mirrors = mirrors;
        this.publish = publish;
        this.clockMillis = clockMillis;
        this.lastMillis = clockMillis.getAsLong();
    }

    public void start(ScheduledExecutorService timer) {
        long every = PERIOD.toMillis();
        task = timer.scheduleWithFixedDelay(this::tickLogged, every, every, TimeUnit.MILLISECONDS);
    }

    public void stop() {
        if (task != null) {
            task.cancel(false);
        }
    }

    private void tickLogged() {
        try {
            tick();
        } catch (RuntimeException e) {
            log.warn("capacity balancing: {} (shares kept as they were)", e.toString());
        }
    }

    /**
     * One period: measure, exchange, adjust, publish. Returns what it published. {@link #start}
     * calls it every {@link #PERIOD}; a replay of a log calls it itself, on the log's clock.
     */
    public synchronized Admission tick() {
        long now = clockMillis.getAsLong();
        double seconds = Math.max(0.001, (now - lastMillis) / 1000.0);
        lastMillis = now;
        Map<String, Double> own = new HashMap<>();
        meter.drain().forEach((mirror, bytes) -> own.put(mirror, bytes * 8 / 1e6 / seconds));
        Map<String, Double> total;
        try {
            LoadBoard.Totals t = board.exchange(own);
            total = t.loadMbps();
            replicas = Math.max(1, t.replicas());
        } catch (RuntimeException e) {
            // The store is out of reach: the others' figures are unknown. Assume they send what
            // this one sends (the last replica count), rather than nothing, which would flood.
            log.debug("load exchange failed, estimating from this replica's load: {}", e.toString());
            total = new HashMap<>();
            for (var en : own.entrySet()) {
                total.put(en.getKey(), en.getValue() * replicas);
            }
        }
        Map<String, Admission.Mirror> out = new HashMap<>();
        for (MirrorSpec spec : mirrors.get()) {
            String name = spec.name();
            double load = total.getOrDefault(name, 0.0);
            double current = share.getOrDefault(name, 1.0);
            // What it would have got keeping every request: unlike its load, this does not move
            // when its share does, so smoothing it adds no lag to the control.
            double offered = smooth(name, load / current);
            if (!spec.hasBandwidthCeiling()) {
                share.remove(name);
                out.put(name, new Admission.Mirror(1, load, offered, 0));
                continue;
            }
            double next = nextShare(current, offered, spec.maxMbps());
            share.put(name, next);
            out.put(name, new Admission.Mirror(next, load, offered, spec.maxMbps()));
        }
        smoothed.keySet().retainAll(out.keySet());
        share.keySet().retainAll(out.keySet());
        Admission a = new Admission(out);
        publish.accept(a);
        return a;
    }

    private double smooth(String mirror, double latest) {
        Double before = smoothed.get(mirror);
        double s = before == null ? latest : before + SMOOTHING * (latest - before);
        smoothed.put(mirror, s);
        return s;
    }

    /**
     * The share for the next period: the one that brings the load it would get keeping every
     * request ({@code offeredMbps}) to {@code maxMbps}, approached by {@link #GAIN}.
     */
    static double nextShare(double current, double offeredMbps, double maxMbps) {
        double target = offeredMbps <= maxMbps ? 1 : maxMbps / offeredMbps;
        double next = current + GAIN * (target - current);
        return Math.max(MIN_SHARE, Math.min(1, next));
    }
}
