package org.mirrorgate.stats;

import static com.google.common.base.Preconditions.checkArgument;

import java.time.Duration;

/**
 * How downloads are counted ({@code downloads:} in the config).
 *
 * @param sameDownloadInterval requests of one client address for one file within this long of the
 *     first count once (Mirrorbits' {@code SameDownloadInterval}: a download resumed or fetched in
 *     Range parts is one download); {@link Duration#ZERO} counts every request
 * @param sameDownloadClients (client, file) pairs remembered for that window, at most; beyond it the
 *     oldest are forgotten (memory stays bounded under a flood of distinct clients, at the price of
 *     counting a forgotten pair's next request again)
 */
public record CountingSettings(Duration sameDownloadInterval, int sameDownloadClients) {

    public static final CountingSettings DEFAULTS = new CountingSettings(Duration.ofMinutes(10), 100_000);

    public CountingSettings {
        checkArgument(!sameDownloadInterval.isNegative(), "sameDownloadInterval: %s (expected: >= 0)",
                sameDownloadInterval);
        checkArgument(sameDownloadClients > 0, "sameDownloadClients: %s (expected: > 0)", sameDownloadClients);
    }
}
