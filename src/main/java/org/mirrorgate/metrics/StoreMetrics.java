package org.mirrorgate.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.Supplier;
import org.mirrorgate.store.StoreStatus;

/**
 * The state store as this replica sees it, read at scrape time ({@code StateStore.status()}): none
 * of it is on the request path, and none of it is a reason to stop serving.
 */
public final class StoreMetrics {

    private StoreMetrics() {}

    public static void register(PrometheusRegistry registry, Supplier<StoreStatus> status) {
        GaugeWithCallback.builder()
                .name("mirrorgate_store_healthy")
                .help("1 when the last writes reached the store and the index was restored from it, else 0")
                .callback(cb -> {
                    StoreStatus s = status.get();
                    cb.call(s.healthy() && s.restored() ? 1 : 0);
                })
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
