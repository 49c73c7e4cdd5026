package org.mirrorgate.store;

import static java.nio.charset.StandardCharsets.US_ASCII;

import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.mirrorgate.lease.Lease;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which replicas are alive, and which of them should handle which mirror. Each replica writes its
 * own deadline into one hash every third of the time-to-live and reads the others'; a replica whose
 * deadline passed is dropped. Mirrors are spread by rendezvous hashing, so when a replica dies only
 * its mirrors move. This only spreads work: the {@link Lease} is what makes it exclusive.
 */
public final class Replicas implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Replicas.class);

    private final Engine engine;
    private final Keys keys;
    private final String self;
    private final long ttlMillis;
    private final LongSupplier clock;
    private final ScheduledFuture<?> beat;
    private volatile List<String> live;
    private volatile long lastBeatMillis;

    Replicas(Engine engine, Keys keys, String self, Duration ttl, LongSupplier clockMillis,
            ScheduledExecutorService timer) {
        this.engine = engine;
        this.keys = keys;
        this.self = self;
        this.ttlMillis = ttl.toMillis();
        this.clock = clockMillis;
        this.live = List.of(self);
        this.lastBeatMillis = clockMillis.getAsLong();
        long every = Math.max(1, ttlMillis / 3);
        this.beat = timer.scheduleWithFixedDelay(this::heartbeat, 0, every, TimeUnit.MILLISECONDS);
    }

    /** This replica's id. */
    public String self() {
        return self;
    }

    /** The replicas alive at the last heartbeat, sorted (this one included). */
    public List<String> live() {
        return live;
    }

    /**
     * True when this replica should handle {@code mirror} (probe it, poll its trace file) among the
     * live ones. While this replica's heartbeats have failed for longer than the time-to-live (the
     * store is unreachable), it owns every mirror: the others' results cannot reach it through the
     * store then, so it keeps its own view fresh.
     */
    public boolean owns(String mirror) {
        if (clock.getAsLong() - lastBeatMillis > ttlMillis) {
            return true;
        }
        String best = null;
        long bestScore = Long.MIN_VALUE;
        for (String replica : live) {
            long score = Hashing.murmur3_128().hashString(replica + '\n' + mirror, StandardCharsets.UTF_8).asLong();
            if (best == null || score > bestScore) {
                best = replica;
                bestScore = score;
            }
        }
        return self.equals(best);
    }

    void heartbeat() {
        try {
            long now = clock.getAsLong();
            engine.hashPut(keys.replicas(), Map.of(self, Long.toString(now + ttlMillis).getBytes(US_ASCII)));
            List<String> alive = new ArrayList<>();
            List<String> dead = new ArrayList<>();
            engine.hashGetAll(keys.replicas()).forEach((id, deadline) ->
                    (Long.parseLong(new String(deadline, US_ASCII)) > now ? alive : dead).add(id));
            if (!dead.isEmpty()) {
                engine.hashDelete(keys.replicas(), dead);
            }
            alive.sort(null);
            if (!alive.equals(live)) {
                log.info("live replicas: {}", alive);
            }
            live = List.copyOf(alive);
            lastBeatMillis = now;
        } catch (StoreUnavailableException e) {
            log.debug("heartbeat failed: {}", e.getMessage()); // keep the last known set
        } catch (RuntimeException e) {
            log.warn("heartbeat failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        beat.cancel(false);
        try {
            engine.hashDelete(keys.replicas(), List.of(self));
        } catch (StoreUnavailableException e) {
            log.debug("not deregistered, the entry will expire: {}", e.getMessage());
        }
    }
}
