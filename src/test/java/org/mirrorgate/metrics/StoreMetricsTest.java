package org.mirrorgate.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorgate.index.Index;
import org.mirrorgate.store.StateStore;
import org.mirrorgate.store.StoreOperation;
import org.mirrorgate.store.StoreSettings;

class StoreMetricsTest {

    @TempDir
    Path dir;
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final StoreMetrics metrics = new StoreMetrics(registry);

    private String page() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void everyOperationHasItsSeriesFromTheStartAndCountsWhatItIsTold() throws IOException {
        String page = page();
        for (StoreOperation op : StoreOperation.values()) {
            assertThat(page).contains("mirrorgate_store_operation_duration_seconds_count{operation=\"" + op.label()
                    + "\"} 0").contains("mirrorgate_store_operation_failures_total{operation=\"" + op.label()
                    + "\"} 0.0");
        }
        metrics.completed(StoreOperation.READ, 2_000_000, false); // 2 ms
        metrics.completed(StoreOperation.LEASE, 20_000_000, true);
        page = page();
        assertThat(page).contains("mirrorgate_store_operation_duration_seconds_bucket{operation=\"read\",le=\"0.001\"} 0")
                .contains("mirrorgate_store_operation_duration_seconds_bucket{operation=\"read\",le=\"0.0025\"} 1")
                .contains("mirrorgate_store_operation_duration_seconds_sum{operation=\"read\"} 0.002")
                .contains("mirrorgate_store_operation_failures_total{operation=\"read\"} 0.0")
                .contains("mirrorgate_store_operation_duration_seconds_count{operation=\"lease\"} 1")
                .contains("mirrorgate_store_operation_failures_total{operation=\"lease\"} 1.0");
    }

    @Test
    void aRealStoreReportsItsRestoreItsWritesAndItsStatus() throws IOException {
        StoreSettings settings = StoreSettings.DEFAULTS.toBuilder().embedded(dir).fsync(false).build();
        try (StateStore store = StateStore.open(settings, new Index(List.of(), System::currentTimeMillis), metrics)) {
            metrics.registerStatus(store::status);
            assertThat(store.flush()).isTrue();
            String page = page();
            assertThat(page).contains("mirrorgate_store_healthy 1.0").contains("mirrorgate_store_restored 1.0")
                    .contains("mirrorgate_store_pending{kind=\"events\"} 0.0")
                    .contains("mirrorgate_store_dropped_total{kind=\"stats\"} 0.0")
                    .doesNotContain("mirrorgate_store_operation_duration_seconds_count{operation=\"read\"} 0\n")
                    .doesNotContain("mirrorgate_store_operation_duration_seconds_count{operation=\"write_group\"} 0\n")
                    .contains("mirrorgate_store_operation_failures_total{operation=\"read\"} 0.0");
        }
    }
}
