package org.mirrorgate.store;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The storage primitives the state store is built on, implemented once by the embedded engine
 * ({@link MvStoreEngine}) and once by Redis ({@link RedisEngine}); {@code EngineContract} tests
 * both the same way.
 *
 * <p>Rules every implementation keeps, because the Redis one must:
 * <ul>
 *   <li>Each command touches one key, so Redis Cluster can route it: no multi-key operation.
 *   <li>Batch methods send bounded batches (a pipeline of at most a few hundred commands, awaited
 *       before the next), never one huge transaction (Mirrorbits #149); a batch is not atomic.
 *   <li>A method that returns has its writes acknowledged: committed to disk by the embedded engine,
 *       answered by the Redis server. A method that fails throws {@link StoreUnavailableException}
 *       and may have applied part of a batch.
 *   <li>Values stay small (well under 1 MB): callers chunk large data.
 * </ul>
 * Keys and hash fields never contain NUL characters.
 */
public interface Engine extends AutoCloseable {

    /** The value of a string key, or null. */
    byte[] get(String key);

    /** The values of many string keys (null for missing ones), in order. */
    List<byte[]> getAll(List<String> keys);

    void put(String key, byte[] value);

    /** Puts many string keys in bounded batches; not atomic. */
    void putAll(Map<String, byte[]> entries);

    /** Sets a string key and returns its previous value (null when absent), atomically. */
    byte[] swap(String key, byte[] value);

    /** Deletes keys of any type (strings, hashes, lists); absent keys are ignored. */
    void delete(Collection<String> keys);

    /** All fields of a hash that holds few fields (mirror records, pending writes). */
    Map<String, byte[]> hashGetAll(String key);

    /** One field of a hash, or null. */
    byte[] hashGet(String key, String field);

    void hashPut(String key, Map<String, byte[]> fields);

    void hashDelete(String key, Collection<String> fields);

    /** Adds to integer hash fields, and makes each touched hash expire at its deadline, if it has one. */
    void increment(List<Increment> increments);

    /** One integer field of each hash, in order (0 when absent). */
    List<Long> counters(List<String> keys, String field);

    /** Streams every integer field of a hash, in bounded steps (a day's per-file counters may be big). */
    void scanCounters(String key, CounterVisitor visitor);

    /** Prepends values (the last given becomes the newest) and keeps only the newest {@code keep}. */
    void push(String key, List<byte[]> values, int keep);

    /** The newest values of a list, newest first. */
    List<byte[]> newest(String key, int limit);

    /** Takes a lease on {@code key} for {@code owner} if nobody holds it. */
    boolean lock(String key, String owner, long leaseMillis);

    /** Extends a lease {@code owner} holds; false when it is held by another or expired. */
    boolean renew(String key, String owner, long leaseMillis);

    /** Gives a lease up if {@code owner} holds it. */
    boolean unlock(String key, String owner);

    /** The current holder of a lease, or null. */
    String lockHolder(String key);

    /** Sends a notice to every subscriber of {@code channel}, this process's included. */
    void publish(String channel, byte[] message);

    /**
     * Listens to {@code channel}. {@code onReconnect} runs after a lost connection came back
     * (notices may have been missed meanwhile). Callbacks run on the engine's threads: hand work
     * off, never block.
     */
    AutoCloseable subscribe(String channel, Consumer<byte[]> onMessage, Runnable onReconnect);

    /**
     * Runs {@code writes} (calls to this engine on this thread) as one group: the embedded engine
     * commits and syncs once at the end instead of after each call, Redis runs them as they come.
     * Not a transaction: a failure may leave part of the group applied, as without it.
     */
    default void writeGroup(Runnable writes) {
        writes.run();
    }

    /** True when the last command reached the engine (for health and metrics, not for decisions). */
    boolean connected();

    /** Where the data lives, without secrets, for messages: a path or a redis URI. */
    String describe();

    @Override
    void close();

    /**
     * Adds {@code delta} to {@code field} of hash {@code key}.
     *
     * @param expireAtMillis epoch millis when the whole hash expires; 0 = never
     */
    record Increment(String key, String field, long delta, long expireAtMillis) {}

    @FunctionalInterface
    interface CounterVisitor {
        void visit(String field, long value);
    }
}
