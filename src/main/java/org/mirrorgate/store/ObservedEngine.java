package org.mirrorgate.store;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * An {@link Engine} that times every call and tells the {@link EngineObserver} its kind, duration
 * and whether it failed. One decorator rather than timing in each engine, so the embedded and the
 * Redis engines are measured the same way and neither knows about it. Calls inside a write group
 * are recorded under their own kind too (the embedded engine commits once, at the group's end, so
 * there they are in-memory), and the group once more as {@link StoreOperation#WRITE_GROUP}.
 */
final class ObservedEngine implements Engine {

    private final Engine engine;
    private final EngineObserver observer;

    ObservedEngine(Engine engine, EngineObserver observer) {
        this.engine = requireNonNull(engine, "engine");
        this.observer = requireNonNull(observer, "observer");
    }

    private <T> T timed(StoreOperation op, Supplier<T> call) {
        long start = System.nanoTime();
        boolean failed = true;
        try {
            T result = call.get();
            failed = false;
            return result;
        } finally {
            observer.completed(op, System.nanoTime() - start, failed);
        }
    }

    private void timed(StoreOperation op, Runnable call) {
        timed(op, () -> {
            call.run();
            return null;
        });
    }

    @Override
    public byte[] get(String key) {
        return timed(StoreOperation.READ, () -> engine.get(key));
    }

    @Override
    public List<byte[]> getAll(List<String> keys) {
        return timed(StoreOperation.READ, () -> engine.getAll(keys));
    }

    @Override
    public void put(String key, byte[] value) {
        timed(StoreOperation.WRITE, () -> engine.put(key, value));
    }

    @Override
    public void putAll(Map<String, byte[]> entries) {
        timed(StoreOperation.WRITE, () -> engine.putAll(entries));
    }

    @Override
    public byte[] swap(String key, byte[] value) {
        return timed(StoreOperation.WRITE, () -> engine.swap(key, value));
    }

    @Override
    public void delete(Collection<String> keys) {
        timed(StoreOperation.WRITE, () -> engine.delete(keys));
    }

    @Override
    public Map<String, byte[]> hashGetAll(String key) {
        return timed(StoreOperation.READ, () -> engine.hashGetAll(key));
    }

    @Override
    public byte[] hashGet(String key, String field) {
        return timed(StoreOperation.READ, () -> engine.hashGet(key, field));
    }

    @Override
    public void hashPut(String key, Map<String, byte[]> fields) {
        timed(StoreOperation.WRITE, () -> engine.hashPut(key, fields));
    }

    @Override
    public void hashDelete(String key, Collection<String> fields) {
        timed(StoreOperation.WRITE, () -> engine.hashDelete(key, fields));
    }

    @Override
    public void increment(List<Increment> increments) {
        timed(StoreOperation.INCREMENT, () -> engine.increment(increments));
    }

    @Override
    public List<Long> counters(List<String> keys, String field) {
        return timed(StoreOperation.READ, () -> engine.counters(keys, field));
    }

    @Override
    public void scanCounters(String key, CounterVisitor visitor) {
        timed(StoreOperation.SCAN, () -> engine.scanCounters(key, visitor));
    }

    @Override
    public void push(String key, List<byte[]> values, int keep) {
        timed(StoreOperation.WRITE, () -> engine.push(key, values, keep));
    }

    @Override
    public List<byte[]> newest(String key, int limit) {
        return timed(StoreOperation.READ, () -> engine.newest(key, limit));
    }

    @Override
    public boolean lock(String key, String owner, long leaseMillis) {
        return timed(StoreOperation.LEASE, () -> engine.lock(key, owner, leaseMillis));
    }

    @Override
    public boolean renew(String key, String owner, long leaseMillis) {
        return timed(StoreOperation.LEASE, () -> engine.renew(key, owner, leaseMillis));
    }

    @Override
    public boolean unlock(String key, String owner) {
        return timed(StoreOperation.LEASE, () -> engine.unlock(key, owner));
    }

    @Override
    public String lockHolder(String key) {
        return timed(StoreOperation.LEASE, () -> engine.lockHolder(key));
    }

    @Override
    public void publish(String channel, byte[] message) {
        timed(StoreOperation.PUBLISH, () -> engine.publish(channel, message));
    }

    /** Not timed: called once per channel at start, and its callbacks are the engine's. */
    @Override
    public AutoCloseable subscribe(String channel, Consumer<byte[]> onMessage, Runnable onReconnect) {
        return engine.subscribe(channel, onMessage, onReconnect);
    }

    @Override
    public void writeGroup(Runnable writes) {
        timed(StoreOperation.WRITE_GROUP, () -> engine.writeGroup(writes));
    }

    @Override
    public boolean connected() {
        return engine.connected();
    }

    @Override
    public String describe() {
        return engine.describe();
    }

    @Override
    public void close() {
        engine.close();
    }

    @Override
    public String toString() {
        return engine.toString();
    }
}
