package org.mirrorgate.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.mirrorgate.downloadlog.ClientIpForm;
import org.mirrorgate.downloadlog.DownloadLogSettings;
import org.mirrorgate.stats.CountingSettings;

/**
 * Reads the {@code downloads:} section: how downloads are counted ({@link CountingSettings}) and
 * the download log ({@code downloads.log-*}, {@link DownloadLogSettings}). Absent keys take the
 * records' defaults; every problem is recorded on the node.
 */
final class DownloadsSection {

    private DownloadsSection() {}

    static CountingSettings counting(ConfigNode downloads) {
        CountingSettings d = CountingSettings.DEFAULTS;
        return new CountingSettings(
                downloads.duration("same-download-interval", d.sameDownloadInterval(), Duration.ZERO, Duration.ofDays(1)),
                (int) downloads.integer("same-download-clients", d.sameDownloadClients(), 1_000, 100_000_000));
    }

    /** Relative paths resolve against {@code baseDir}. */
    static DownloadLogSettings log(ConfigNode downloads, Path baseDir) {
        DownloadLogSettings d = DownloadLogSettings.DEFAULTS;
        String file = downloads.string("log-file", "");
        ClientIpForm form = ClientIpForm.valueOf(downloads.choice("log-client-ip",
                d.clientIp().name().toLowerCase(Locale.ROOT), List.of("full", "truncated", "hashed", "none"))
                .toUpperCase(Locale.ROOT));
        return new DownloadLogSettings(file.isEmpty() ? null : baseDir.resolve(file).normalize(), form,
                downloads.bytes("log-max-size", d.maxBytes(), 0, 1L << 40),
                (int) downloads.integer("log-keep", d.keep(), 1, 1_000),
                (int) downloads.integer("log-queue", d.queueLines(), 16, 10_000_000));
    }
}
