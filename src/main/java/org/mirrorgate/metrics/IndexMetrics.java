package org.mirrorgate.metrics;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.mirrorgate.index.Index;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.mirror.MirrorState;
import org.mirrorgate.mirror.ProtocolHealth;

/**
 * The index's gauges (files, gap rows, mirrors by state, each mirror's health and files), read from
 * the current snapshot at scrape time: nothing to update on the request path.
 */
public final class IndexMetrics {

    private IndexMetrics() {}

    private static void up(GaugeWithCallback.Callback cb, ProtocolHealth.Status status, String mirror, String protocol) {
        if (status != ProtocolHealth.Status.UNKNOWN) {
            cb.call(status == ProtocolHealth.Status.UP ? 1 : 0, mirror, protocol);
        }
    }

    public static void register(PrometheusRegistry registry, Index index) {
        GaugeWithCallback.builder()
                .name("mirrorgate_index_files")
                .help("Files in the local index, by state (present, deleted: kept for the grace period)")
                .labelNames("state")
                .callback(cb -> {
                    IndexSnapshot s = index.snapshot();
                    cb.call(s.files().fileCount() - s.files().deletedCount(), "present");
                    cb.call(s.files().deletedCount(), "deleted");
                })
                .register(registry);
        GaugeWithCallback.builder()
                .name("mirrorgate_index_gap_rows")
                .help("The per-file rows of near-complete mirrors' gaps that answer Resolve: bytes held, gaps"
                        + " listed, and whether they are current (0 while changed mirrors are answered by their"
                        + " bitmaps, until the background rebuild)")
                .labelNames("measure")
                .callback(cb -> {
                    IndexSnapshot s = index.snapshot();
                    cb.call(s.gapRowBytes(), "bytes");
                    cb.call(s.gapCount(), "gaps");
                    cb.call(s.gapRowsCurrent() ? 1 : 0, "current");
                })
                .register(registry);
        GaugeWithCallback.builder()
                .name("mirrorgate_mirrors")
                .help("Mirrors by state: disabled, or per protocol up / down / unknown (not probed yet)")
                .labelNames("protocol", "state")
                .callback(cb -> {
                    IndexSnapshot s = index.snapshot();
                    int disabled = 0;
                    int[][] counts = new int[2][3];
                    for (int i = 0; i < s.mirrorCount(); i++) {
                        MirrorState st = s.state(i);
                        if (!st.enabled()) {
                            disabled++;
                            continue;
                        }
                        if (s.spec(i).httpUrl() != null) {
                            counts[0][st.http().status().ordinal()]++;
                        }
                        if (s.spec(i).httpsUrl() != null) {
                            counts[1][st.https().status().ordinal()]++;
                        }
                    }
                    String[] protocols = {"http", "https"};
                    String[] states = {"unknown", "up", "down"};
                    for (int p = 0; p < 2; p++) {
                        for (int st = 0; st < 3; st++) {
                            cb.call(counts[p][st], protocols[p], states[st]);
                        }
                    }
                    cb.call(disabled, "any", "disabled");
                })
                .register(registry);
        GaugeWithCallback.builder()
                .name("mirrorgate_mirror_up")
                .help("Each enabled mirror's health per protocol it serves: 1 up, 0 down (absent while not probed"
                        + " yet, and while disabled)")
                .labelNames("mirror", "protocol")
                .callback(cb -> {
                    IndexSnapshot s = index.snapshot();
                    for (int i = 0; i < s.mirrorCount(); i++) {
                        MirrorState st = s.state(i);
                        if (!st.enabled()) {
                            continue;
                        }
                        String name = s.spec(i).name();
                        if (s.spec(i).httpUrl() != null) {
                            up(cb, st.http().status(), name, "http");
                        }
                        if (s.spec(i).httpsUrl() != null) {
                            up(cb, st.https().status(), name, "https");
                        }
                    }
                })
                .register(registry);
        GaugeWithCallback.builder()
                .name("mirrorgate_mirror_files")
                .help("Files each mirror holds, by state (matching the local copy, outdated)")
                .labelNames("mirror", "state")
                .callback(cb -> {
                    IndexSnapshot s = index.snapshot();
                    for (int i = 0; i < s.mirrorCount(); i++) {
                        cb.call(s.availability(i).matchingCount(), s.spec(i).name(), "matching");
                        cb.call(s.availability(i).outdatedCount(), s.spec(i).name(), "outdated");
                    }
                })
                .register(registry);
    }
}
