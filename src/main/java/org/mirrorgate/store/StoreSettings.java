package org.mirrorgate.store;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Which engine holds the state, and the bounds of its buffers; the defaults are {@link #DEFAULTS}.
 * The config package reads it from the {@code store:} section; docs/store.md describes every key.
 *
 * @param type {@code embedded} (one node, a file) or {@code redis} (several replicas)
 * @param path directory of the embedded store's file
 * @param fsync force each embedded commit to disk (survives power loss, not only a crash)
 * @param redisUri redis://, rediss://, redis-sentinel://, rediss-sentinel://, redis-cluster://,
 *     rediss-cluster:// (credentials, TLS and database from the URI)
 * @param keyPrefix prefix of every key and channel, so networks can share a Redis
 * @param timeout Redis connect and command timeout
 * @param pipelineBatch most Redis commands in flight per pipeline step
 * @param segmentBatch segments of the file table or an availability written or read per step
 * @param flushInterval how often statistics and events are written
 * @param writeDelay how long index changes are gathered before being written
 * @param resyncInterval how often a replica compares its index with the store (besides notices)
 * @param leaseTime how long a scan or walk lease lasts without renewal (renewed every third)
 * @param replicaTtl how long a replica counts as alive after its last heartbeat
 * @param statsRetentionDays days daily download counters are kept
 * @param statsMonthlyRetentionMonths months monthly counters are kept; 0 = forever (yearly: forever)
 * @param statsBufferKeys distinct counter keys buffered between flushes (beyond: dropped, counted)
 * @param eventsPerMirror newest events kept per mirror
 * @param eventBuffer events queued while the store is unreachable (beyond: oldest dropped, counted)
 * @param replicaId this replica's name in leases and notices; "" = host-pid-random
 */
public record StoreSettings(
        Type type,
        Path path,
        boolean fsync,
        String redisUri,
        String keyPrefix,
        Duration timeout,
        int pipelineBatch,
        int segmentBatch,
        Duration flushInterval,
        Duration writeDelay,
        Duration resyncInterval,
        Duration leaseTime,
        Duration replicaTtl,
        int statsRetentionDays,
        int statsMonthlyRetentionMonths,
        int statsBufferKeys,
        int eventsPerMirror,
        int eventBuffer,
        String replicaId) {

    public enum Type { EMBEDDED, REDIS }

    static final List<String> REDIS_SCHEMES = List.of("redis://", "rediss://", "redis-sentinel://",
            "rediss-sentinel://", "redis-cluster://", "rediss-cluster://");

    /** Embedded, in {@code /var/lib/mirrorgate}, every other key at its default. */
    public static final StoreSettings DEFAULTS = new StoreSettings(Type.EMBEDDED, Path.of("/var/lib/mirrorgate"),
            true, "", "mg:", Duration.ofSeconds(2), 256, 16, Duration.ofSeconds(1), Duration.ofMillis(100),
            Duration.ofMinutes(1), Duration.ofSeconds(30), Duration.ofSeconds(15), 90, 0, 1_000_000, 500, 10_000, "");

    public StoreSettings {
        requireNonNull(type, "type");
        requireNonNull(path, "path");
        requireNonNull(redisUri, "redisUri");
        requireNonNull(keyPrefix, "keyPrefix");
        requireNonNull(replicaId, "replicaId");
    }

    /** Why {@code uri} cannot be used, or null when it can; phrased as what is expected instead. */
    public static String redisUriProblem(String uri) {
        if (REDIS_SCHEMES.stream().noneMatch(uri::startsWith)) {
            return "a URI starting with one of " + String.join(", ", REDIS_SCHEMES);
        }
        try {
            if (RedisConnections.isCluster(uri)) {
                RedisConnections.clusterSeeds(uri);
            } else {
                io.lettuce.core.RedisURI.create(uri);
            }
            return null;
        } catch (RuntimeException e) {
            return "a valid Redis URI (" + e.getMessage() + ")";
        }
    }

    /** {@code uri} with its user info (user and password) replaced by {@code ***}, safe to quote in a message. */
    public static String redactedUri(String uri) {
        return RedisConnections.describe(uri);
    }

    /** The embedded store's file. */
    public Path file() {
        return path.resolve("mirrorgate.mv.db");
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Changes some settings of a copy: for tests, benchmarks and programmatic setups. */
    public static final class Builder {
        private Type type;
        private Path path;
        private boolean fsync;
        private String redisUri;
        private String keyPrefix;
        private Duration timeout;
        private int pipelineBatch;
        private int segmentBatch;
        private Duration flushInterval;
        private Duration writeDelay;
        private Duration resyncInterval;
        private Duration leaseTime;
        private Duration replicaTtl;
        private int statsRetentionDays;
        private int statsMonthlyRetentionMonths;
        private int statsBufferKeys;
        private int eventsPerMirror;
        private int eventBuffer;
        private String replicaId;

        private Builder(StoreSettings s) {
            type = s.type;
            path = s.path;
            fsync = s.fsync;
            redisUri = s.redisUri;
            keyPrefix = s.keyPrefix;
            timeout = s.timeout;
            pipelineBatch = s.pipelineBatch;
            segmentBatch = s.segmentBatch;
            flushInterval = s.flushInterval;
            writeDelay = s.writeDelay;
            resyncInterval = s.resyncInterval;
            leaseTime = s.leaseTime;
            replicaTtl = s.replicaTtl;
            statsRetentionDays = s.statsRetentionDays;
            statsMonthlyRetentionMonths = s.statsMonthlyRetentionMonths;
            statsBufferKeys = s.statsBufferKeys;
            eventsPerMirror = s.eventsPerMirror;
            eventBuffer = s.eventBuffer;
            replicaId = s.replicaId;
        }

        /** The embedded store in {@code dir}. */
        public Builder embedded(Path dir) {
            type = Type.EMBEDDED;
            path = dir;
            return this;
        }

        public Builder redis(String uri) {
            type = Type.REDIS;
            redisUri = uri;
            return this;
        }

        public Builder fsync(boolean v) {
            fsync = v;
            return this;
        }

        public Builder keyPrefix(String v) {
            keyPrefix = v;
            return this;
        }

        public Builder timeout(Duration v) {
            timeout = v;
            return this;
        }

        public Builder flushInterval(Duration v) {
            flushInterval = v;
            return this;
        }

        public Builder writeDelay(Duration v) {
            writeDelay = v;
            return this;
        }

        public Builder resyncInterval(Duration v) {
            resyncInterval = v;
            return this;
        }

        public Builder leaseTime(Duration v) {
            leaseTime = v;
            return this;
        }

        public Builder replicaTtl(Duration v) {
            replicaTtl = v;
            return this;
        }

        public Builder statsRetention(int days, int monthlyMonths) {
            statsRetentionDays = days;
            statsMonthlyRetentionMonths = monthlyMonths;
            return this;
        }

        public Builder buffers(int statsKeys, int events) {
            statsBufferKeys = statsKeys;
            eventBuffer = events;
            return this;
        }

        public Builder eventsPerMirror(int v) {
            eventsPerMirror = v;
            return this;
        }

        public Builder batches(int pipeline, int segments) {
            pipelineBatch = pipeline;
            segmentBatch = segments;
            return this;
        }

        public Builder replicaId(String v) {
            replicaId = v;
            return this;
        }

        public StoreSettings build() {
            return new StoreSettings(type, path, fsync, redisUri, keyPrefix, timeout, pipelineBatch, segmentBatch,
                    flushInterval, writeDelay, resyncInterval, leaseTime, replicaTtl, statsRetentionDays,
                    statsMonthlyRetentionMonths, statsBufferKeys, eventsPerMirror, eventBuffer, replicaId);
        }
    }
}
