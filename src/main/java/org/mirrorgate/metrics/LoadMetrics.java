package org.mirrorgate.metrics;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.Supplier;
import org.mirrorgate.load.Admission;

/** Capacity-aware balancing, read from the governor's latest {@link Admission} at scrape time. */
public final class LoadMetrics {

    private LoadMetrics() {}

    public static void register(PrometheusRegistry registry, Supplier<Admission> admission) {
        GaugeWithCallback.builder()
                .name("mirrorgate_mirror_load_mbps")
                .help("Load the redirects of all replicas put on the mirror in the last period, Mbit/s (file sizes)")
                .labelNames("mirror")
                .callback(cb -> admission.get().mirrors().forEach((m, a) -> cb.call(a.loadMbps(), m)))
                .register(registry);
        GaugeWithCallback.builder()
                .name("mirrorgate_mirror_admitted_share")
                .help("Share of the requests it would get that the mirror keeps: below 1 while over its max-mbps")
                .labelNames("mirror")
                .callback(cb -> admission.get().mirrors().forEach((m, a) -> cb.call(a.share(), m)))
                .register(registry);
    }
}
