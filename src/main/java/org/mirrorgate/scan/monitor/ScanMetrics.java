package org.mirrorgate.scan.monitor;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.mirrorgate.index.Index;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.mirror.MirrorState;

/**
 * The scan subsystem's metrics (namespace {@code mirrorgate}, fixed label sets). Scan and probe
 * outcomes are counted as they happen; sync and scan times are read from the index at scrape time.
 * Until {@link #register} is called every update is a no-op, so tests need no registry.
 */
public final class ScanMetrics {

    private volatile Counter scans;
    private volatile Gauge scanSeconds;
    private volatile Gauge scanRejected;
    private volatile Gauge scanFiles;
    private volatile Counter probes;

    void register(PrometheusRegistry registry, Index index) {
        scans = Counter.builder().name("mirrorgate_scans_total")
                .help("Mirror scans by result: ok (listing published) or failed (last good state kept)")
                .labelNames("mirror", "protocol", "result").register(registry);
        scanSeconds = Gauge.builder().name("mirrorgate_scan_duration_seconds")
                .help("Wall time of each mirror's last scan, successful or not")
                .labelNames("mirror").register(registry);
        scanRejected = Gauge.builder().name("mirrorgate_scan_rejected_entries")
                .help("Listing entries refused by each mirror's last scan (bad paths, unparsable lines)")
                .labelNames("mirror").register(registry);
        scanFiles = Gauge.builder().name("mirrorgate_scan_files")
                .help("Regular files each mirror's last scan listed (or read before it failed)")
                .labelNames("mirror").register(registry);
        probes = Counter.builder().name("mirrorgate_probes_total")
                .help("Health probes by protocol and result (ok, failed)")
                .labelNames("mirror", "protocol", "result").register(registry);
        GaugeWithCallback.builder().name("mirrorgate_mirror_trace_sync_timestamp_seconds")
                .help("When each mirror last completed a sync, per its trace file (epoch seconds; absent if unknown)")
                .labelNames("mirror")
                .callback(cb -> each(index, (name, st) -> {
                    if (st.traceSyncMillis() > 0) {
                        cb.call(st.traceSyncMillis() / 1000.0, name);
                    }
                })).register(registry);
        GaugeWithCallback.builder().name("mirrorgate_mirror_last_scan_timestamp_seconds")
                .help("When each mirror's last successful scan completed (epoch seconds; absent if never)")
                .labelNames("mirror")
                .callback(cb -> each(index, (name, st) -> {
                    if (st.lastScanMillis() > 0) {
                        cb.call(st.lastScanMillis() / 1000.0, name);
                    }
                })).register(registry);
        GaugeWithCallback.builder().name("mirrorgate_mirror_tz_offset_seconds")
                .help("Offset added to each mirror's listed mtimes (detected or configured)")
                .labelNames("mirror")
                .callback(cb -> each(index, (name, st) -> cb.call(st.tzOffsetMillis() / 1000.0, name)))
                .register(registry);
    }

    void scanned(ScanOutcome o) {
        Counter c = scans;
        if (c != null) {
            c.labelValues(o.mirror(), o.protocol(), o.success() ? "ok" : "failed").inc();
            scanSeconds.labelValues(o.mirror()).set(o.durationMillis() / 1000.0);
            scanRejected.labelValues(o.mirror()).set(o.rejected());
            scanFiles.labelValues(o.mirror()).set(o.entries());
        }
    }

    public void probed(String mirror, String protocol, boolean ok) {
        Counter c = probes;
        if (c != null) {
            c.labelValues(mirror, protocol, ok ? "ok" : "failed").inc();
        }
    }

    private static void each(Index index, java.util.function.BiConsumer<String, MirrorState> action) {
        IndexSnapshot s = index.snapshot();
        for (int i = 0; i < s.mirrorCount(); i++) {
            action.accept(s.spec(i).name(), s.state(i));
        }
    }
}
