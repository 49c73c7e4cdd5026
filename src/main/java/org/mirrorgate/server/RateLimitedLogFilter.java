package org.mirrorgate.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Marker;

/**
 * Rate-limits the log lines a client can trigger: gRPC's and Netty's (a malformed frame, a reset
 * stream, a connection dropped mid-write) and the request path's own. Without it anyone who can
 * reach the gRPC port can fill the disk (issue 13: 500 six-byte calls wrote 3.3 MB of stack traces
 * in 0.33 s). Each logger under one of the configured prefixes gets a token bucket: {@code burst}
 * lines at once, refilled at {@code perMinute}; a line over the limit is dropped and counted per
 * logger, exported as {@code mirrorgate_log_lines_suppressed_total}. Loggers outside the prefixes
 * (scans, the store: the operator's own events) are never limited.
 *
 * <p>Declared in logback.xml ({@code <turboFilter>}); logback calls {@link #decide} for every
 * logging call, before the level check, so lines below the logger's level return at once and a
 * bucket is only touched by a line that would be written.
 */
public final class RateLimitedLogFilter extends TurboFilter {

    /** Lines suppressed per logger since start, across every instance (logback may reconfigure). */
    private static final Map<String, LongAdder> SUPPRESSED = new ConcurrentHashMap<>();

    private final List<String> prefixes = new ArrayList<>();
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private int burst = 20;
    private int perMinute = 60;

    /** A logger name prefix to limit, e.g. {@code io.grpc} (logback.xml: one {@code <prefix>} each). */
    public void addPrefix(String prefix) {
        prefixes.add(prefix.trim());
    }

    /** Lines a logger may write at once before the limit applies (default 20). */
    public void setBurst(int burst) {
        this.burst = burst;
    }

    /** Lines per minute a logger may write once its burst is spent (default 60). */
    public void setPerMinute(int perMinute) {
        this.perMinute = perMinute;
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
            Throwable t) {
        if (format == null && t == null) {
            return FilterReply.NEUTRAL; // isDebugEnabled() and friends: not a line
        }
        // getEffectiveLevel, not isEnabledFor: that would call the turbo filters again
        if (level == null || !level.isGreaterOrEqual(logger.getEffectiveLevel()) || !limited(logger.getName())) {
            return FilterReply.NEUTRAL;
        }
        Bucket b = buckets.computeIfAbsent(logger.getName(), n -> new Bucket(burst, perMinute));
        if (b.take(System.nanoTime())) {
            return FilterReply.NEUTRAL;
        }
        SUPPRESSED.computeIfAbsent(logger.getName(), n -> new LongAdder()).increment();
        return FilterReply.DENY;
    }

    private boolean limited(String name) {
        for (String p : prefixes) {
            if (name.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /** Exports the suppressed lines as {@code mirrorgate_log_lines_suppressed_total{logger}}. */
    static void registerMetrics(PrometheusRegistry registry) {
        CounterWithCallback.builder()
                .name("mirrorgate_log_lines_suppressed")
                .help("Log lines a client could trigger that the rate limit dropped, by logger (logback.xml)")
                .labelNames("logger")
                .callback(cb -> suppressed().forEach((logger, n) -> cb.call(n, logger)))
                .register(registry);
    }

    /** Suppressed lines since start, per logger name. */
    static Map<String, Long> suppressed() {
        Map<String, Long> out = new TreeMap<>();
        SUPPRESSED.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** A token bucket; a lock per logger is fine: only lines that would be written get here. */
    private static final class Bucket {
        private final double capacity;
        private final double perNano;
        private double tokens;
        private long last;

        Bucket(int burst, int perMinute) {
            this.capacity = Math.max(1, burst);
            this.perNano = Math.max(0, perMinute) / 60e9;
            this.tokens = capacity;
            this.last = System.nanoTime();
        }

        synchronized boolean take(long now) {
            tokens = Math.min(capacity, tokens + (now - last) * perNano);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return true;
            }
            return false;
        }
    }
}
