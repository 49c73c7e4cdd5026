package org.mirrorgate.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.mirrorgate.store.StoreSettings.Type;
import org.mirrorgate.store.StoreSettings;

/**
 * Reads the {@code store:} section into {@link StoreSettings}. An absent key takes the value of
 * {@link StoreSettings#DEFAULTS}; every problem is recorded on the node (and the default kept).
 */
final class StoreSection {

    private StoreSection() {}

    /** Relative paths resolve against {@code baseDir}. */
    static StoreSettings read(ConfigNode node, Path baseDir) {
        StoreSettings d = StoreSettings.DEFAULTS;
        Type type = Type.valueOf(node.choice("type", d.type().name().toLowerCase(Locale.ROOT),
                List.of("embedded", "redis")).toUpperCase(Locale.ROOT));
        Path path = baseDir.resolve(node.string("path", d.path().toString()));
        String uri = node.string("redis-uri", d.redisUri());
        if (type == Type.REDIS) {
            String problem = StoreSettings.redisUriProblem(uri);
            if (problem != null) {
                node.problem("redis-uri", uri.isEmpty() ? "(missing)" : StoreSettings.redactedUri(uri), problem);
            }
        }
        String prefix = node.string("key-prefix", d.keyPrefix());
        if (prefix.contains(" ")) {
            node.problem("key-prefix", prefix, "no spaces, e.g. mg: or debian:");
        }
        String replicaId = node.string("replica-id", d.replicaId());
        if (replicaId.contains(" ")) {
            node.problem("replica-id", replicaId, "no spaces (or empty for host-pid-random)");
        }
        Duration lease = node.duration("lease-time", d.leaseTime(), Duration.ofSeconds(1), Duration.ofHours(1));
        return new StoreSettings(type, path, node.bool("fsync", d.fsync()), uri, prefix,
                node.duration("timeout", d.timeout(), Duration.ofMillis(100), Duration.ofMinutes(1)),
                (int) node.integer("pipeline-batch", d.pipelineBatch(), 1, 10_000),
                (int) node.integer("segment-batch", d.segmentBatch(), 1, 1_000),
                node.duration("flush-interval", d.flushInterval(), Duration.ofMillis(100), Duration.ofMinutes(10)),
                node.duration("write-delay", d.writeDelay(), Duration.ZERO, Duration.ofSeconds(10)),
                node.duration("resync-interval", d.resyncInterval(), Duration.ofSeconds(1), Duration.ofHours(1)),
                lease,
                node.duration("replica-ttl", d.replicaTtl(), Duration.ofSeconds(1), Duration.ofHours(1)),
                (int) node.integer("stats-retention-days", d.statsRetentionDays(), 1, 36_500),
                (int) node.integer("stats-monthly-retention-months", d.statsMonthlyRetentionMonths(), 0, 1_200),
                (int) node.integer("stats-buffer-keys", d.statsBufferKeys(), 1_000, 100_000_000),
                (int) node.integer("events-per-mirror", d.eventsPerMirror(), 1, 100_000),
                (int) node.integer("event-buffer", d.eventBuffer(), 1, 10_000_000),
                replicaId);
    }
}
