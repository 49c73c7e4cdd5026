package org.mirrorgate.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.EnumMap;
import java.util.function.Supplier;
import org.mirrorgate.store.EngineObserver;
import org.mirrorgate.store.StoreOperation;
import org.mirrorgate.store.StoreStatus;

/**
 * The state store as this replica sees it: every engine call's latency and failures by
 * {@link StoreOperation} (recorded as they complete, on the store's threads), and its status
 * ({@code StateStore.status()}: health, pending and dropped writes) read at scrape time. None of it
 * is on the request path, and none of it is a reason to stop serving.
 */
public final class StoreMetrics implements EngineObserver {

    private final PrometheusRegistry registry;
    private final EnumMap<StoreOperation, DistributionDataPoint> latency = new EnumMap<>(StoreOperation.class);
    private final EnumMap<StoreOperation, CounterDataPoint> failures = new EnumMap<>(StoreOperation.class);

    /** Registers the per-operation metrics; {@link #registerStatus} adds the status once the store is open. */
    public StoreMetrics(PrometheusRegistry registry) {
        this.registry = registry;
        Histogram duration = Histogram.builder()
                .name("mirrorgate_store_operation_duration_seconds")
                .help("Wall time of each call to the store's engine, failed ones included, by operation (read,"
                        + " write, increment, scan, lease, publish, write_group: a group of writes with its commit)")
                .labelNames("operation")
                // An embedded read is tens of microseconds, a Redis round trip about a millisecond, a
                // full-scale first write of the file table tens of seconds.
                .classicUpperBounds(1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
                        5, 10, 30)
                .classicOnly()
                .register(registry);
        Counter failed = Counter.builder()
                .name("mirrorgate_store_operation_failures_total")
                .help("Calls to the store's engine that failed (unreachable, not acknowledged), by operation")
                .labelNames("operation")
                .register(registry);
        for (StoreOperation op : StoreOperation.values()) { // every series exists from the start: rate() needs a 0
            latency.put(op, duration.labelValues(op.label()));
            failures.put(op, failed.labelValues(op.label()));
        }
    }

    @Override
    public void completed(StoreOperation operation, long nanos, boolean failed) {
        latency.get(operation).observe(nanos / 1e9);
        if (failed) {
            failures.get(operation).inc();
        }
    }

    /** Exports {@code status} (read at each scrape). */
    public void registerStatus(Supplier<StoreStatus> status) {
        GaugeWithCallback.builder()
                .name("mirrorgate_store_healthy")
                .help("1 when the last writes reached the store and the index was restored from it, else 0")
                .callback(cb -> {
                    StoreStatus s = status.get();
                    cb.call(s.healthy() && s.restored() ? 1 : 0);
                })
                .register(registry);
        GaugeWithCallback.builder()
                .name("mirrorgate_store_restored")
                .help("1 once the index was restored from the store at start; 0 while a store unreachable at start"
                        + " is awaited (the replica serves what its own walk and scans find)")
                .callback(cb -> cb.call(status.get().restored() ? 1 : 0))
                .register(registry);
        GaugeWithCallback.builder()
                .name("mirrorgate_store_pending")
                .help("Writes waiting for the store, by kind (stats_keys: download counter keys; events: mirror"
                        + " events)")
                .labelNames("kind")
                .callback(cb -> {
                    StoreStatus s = status.get();
                    cb.call(s.statsPendingKeys(), "stats_keys");
                    cb.call(s.eventsQueued(), "events");
                })
                .register(registry);
        CounterWithCallback.builder()
                .name("mirrorgate_store_dropped")
                .help("Writes dropped since start because their bounded buffer was full, by kind (stats:"
                        + " counter increments; events: mirror events)")
                .labelNames("kind")
                .callback(cb -> {
                    StoreStatus s = status.get();
                    cb.call(s.statsDropped(), "stats");
                    cb.call(s.eventsDropped(), "events");
                })
                .register(registry);
    }
}
