package org.mirrorgate.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.mirrorgate.downloadlog.DownloadLog;

/** The download log's lines, read at scrape time from its counters (nothing on the request path). */
public final class DownloadLogMetrics {

    private DownloadLogMetrics() {}

    public static void register(PrometheusRegistry registry, DownloadLog downloadLog) {
        CounterWithCallback.builder()
                .name("mirrorgate_download_log_lines")
                .help("Download log lines since start, by result: written; dropped (the bounded queue was full:"
                        + " the disk is slower than the decisions); failed (the file could not be opened or written)")
                .labelNames("result")
                .callback(cb -> {
                    cb.call(downloadLog.written(), "written");
                    cb.call(downloadLog.dropped(), "dropped");
                    cb.call(downloadLog.failed(), "failed");
                })
                .register(registry);
        CounterWithCallback.builder()
                .name("mirrorgate_download_log_reopens")
                .help("Times the download log was reopened on SIGUSR1 (logrotate)")
                .callback(cb -> cb.call(downloadLog.reopened()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("mirrorgate_download_log_queued")
                .help("Download log lines waiting for the writer")
                .callback(cb -> cb.call(downloadLog.queued()))
                .register(registry);
    }
}
