package org.mirrorgate.store;

import io.lettuce.core.MapScanCursor;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The Redis engine, through Lettuce, for standalone servers, Sentinel and Cluster alike.
 *
 * <p>Batches are pipelined: up to {@code batch} commands are sent on the shared connection, then
 * awaited, then the next ones; never MULTI. Each command names one key, so Cluster routes it.
 * The connection is opened lazily and retried at most once per {@code retryMillis}, so a store that
 * is down when mirrorgate starts only makes writes fail (and be kept) until it comes up.
 */
final class RedisEngine implements Engine {

    private static final String RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then "
            + "return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
    private static final String UNLOCK = "if redis.call('get', KEYS[1]) == ARGV[1] then "
            + "return redis.call('del', KEYS[1]) else return 0 end";

    private final String uri;
    private final Duration timeout;
    private final int batch;
    private final RedisSubscriptions subscriptions;
    private final Object connectLock = new Object();
    private volatile RedisConnections connections;
    private volatile boolean lastOk;
    private long nextAttempt;

    /**
     * @param batch the most commands in flight per pipeline step
     */
    RedisEngine(String uri, Duration timeout, int batch) {
        this.uri = uri;
        this.timeout = timeout;
        this.batch = batch;
        this.subscriptions = new RedisSubscriptions(uri);
    }

    private RedisClusterAsyncCommands<String, byte[]> cmd() {
        RedisConnections c = connections;
        if (c != null) {
            return c.commands();
        }
        synchronized (connectLock) {
            if (connections == null) {
                long now = System.nanoTime();
                if (now - nextAttempt < 0) {
                    throw new StoreUnavailableException(describe() + ": not connected (retrying)", null);
                }
                nextAttempt = now + TimeUnit.MILLISECONDS.toNanos(Math.min(1000, timeout.toMillis()));
                try {
                    connections = RedisConnections.connect(uri, timeout);
                } catch (RuntimeException e) {
                    lastOk = false;
                    throw new StoreUnavailableException(describe() + ": cannot connect (" + e.getMessage() + ")", e);
                }
                subscriptions.attach(connections);
            }
            return connections.commands();
        }
    }

    @Override
    public byte[] get(String key) {
        return one(c -> c.get(key));
    }

    @Override
    public List<byte[]> getAll(List<String> keys) {
        return pipeline(keys, (c, k) -> c.get(k));
    }

    @Override
    public void put(String key, byte[] value) {
        one(c -> c.set(key, value));
    }

    @Override
    public void putAll(Map<String, byte[]> entries) {
        pipeline(new ArrayList<>(entries.entrySet()), (c, e) -> c.set(e.getKey(), e.getValue()));
    }

    @Override
    public byte[] swap(String key, byte[] value) {
        return one(c -> c.setGet(key, value));
    }

    @Override
    public void delete(Collection<String> keys) {
        pipeline(new ArrayList<>(keys), (c, k) -> c.unlink(k));
    }

    @Override
    public Map<String, byte[]> hashGetAll(String key) {
        return one(c -> c.hgetall(key));
    }

    @Override
    public byte[] hashGet(String key, String field) {
        return one(c -> c.hget(key, field));
    }

    @Override
    public void hashPut(String key, Map<String, byte[]> fields) {
        pipeline(groups(new ArrayList<>(fields.entrySet())), (c, g) -> {
            Map<String, byte[]> m = new LinkedHashMap<>();
            g.forEach(e -> m.put(e.getKey(), e.getValue()));
            return c.hset(key, m);
        });
    }

    @Override
    public void hashDelete(String key, Collection<String> fields) {
        pipeline(groups(new ArrayList<>(fields)), (c, g) -> c.hdel(key, g.toArray(new String[0])));
    }

    /** Fields in groups of at most {@code batch}: one command per group, none unbounded. */
    private <T> List<List<T>> groups(List<T> all) {
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i += batch) {
            out.add(all.subList(i, Math.min(all.size(), i + batch)));
        }
        return out;
    }

    @Override
    public void increment(List<Increment> increments) {
        pipeline(increments, (c, inc) -> c.hincrby(inc.key(), inc.field(), inc.delta()));
        Map<String, Long> deadlines = new LinkedHashMap<>();
        increments.stream().filter(i -> i.expireAtMillis() > 0)
                .forEach(i -> deadlines.merge(i.key(), i.expireAtMillis(), Math::max));
        pipeline(new ArrayList<>(deadlines.entrySet()), (c, e) -> c.pexpireat(e.getKey(), e.getValue()));
    }

    @Override
    public List<Long> counters(List<String> keys, String field) {
        List<byte[]> raw = pipeline(keys, (c, k) -> c.hget(k, field));
        List<Long> out = new ArrayList<>(raw.size());
        raw.forEach(v -> out.add(v == null ? 0 : Long.parseLong(new String(v, StandardCharsets.US_ASCII))));
        return out;
    }

    @Override
    public void scanCounters(String key, CounterVisitor visitor) {
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            ScanCursor from = cursor;
            MapScanCursor<String, byte[]> page = one(c -> c.hscan(key, from, ScanArgs.Builder.limit(batch)));
            page.getMap().forEach((f, v) -> visitor.visit(f, Long.parseLong(new String(v, StandardCharsets.US_ASCII))));
            cursor = page;
        } while (!cursor.isFinished());
    }

    @Override
    public void push(String key, List<byte[]> values, int keep) {
        if (values.isEmpty()) {
            return;
        }
        one(c -> c.lpush(key, values.toArray(new byte[0][])));
        one(c -> c.ltrim(key, 0, keep - 1));
    }

    @Override
    public List<byte[]> newest(String key, int limit) {
        return limit <= 0 ? List.of() : one(c -> c.lrange(key, 0, limit - 1));
    }

    @Override
    public boolean lock(String key, String owner, long leaseMillis) {
        return "OK".equals(one(c -> c.set(key, bytes(owner), SetArgs.Builder.nx().px(leaseMillis))));
    }

    @Override
    public boolean renew(String key, String owner, long leaseMillis) {
        Long r = one(c -> c.eval(RENEW, ScriptOutputType.INTEGER, new String[] {key}, bytes(owner),
                bytes(Long.toString(leaseMillis))));
        return r != null && r == 1;
    }

    @Override
    public boolean unlock(String key, String owner) {
        Long r = one(c -> c.eval(UNLOCK, ScriptOutputType.INTEGER, new String[] {key}, bytes(owner)));
        return r != null && r == 1;
    }

    @Override
    public String lockHolder(String key) {
        byte[] v = get(key);
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }

    @Override
    public void publish(String channel, byte[] message) {
        one(c -> c.publish(channel, message));
    }

    @Override
    public AutoCloseable subscribe(String channel, Consumer<byte[]> onMessage, Runnable onReconnect) {
        return subscriptions.add(channel, onMessage, onReconnect);
    }

    @Override
    public boolean connected() {
        RedisConnections c = connections;
        return lastOk && c != null && c.isOpen();
    }

    @Override
    public String describe() {
        return RedisConnections.describe(uri);
    }

    @Override
    public void close() {
        subscriptions.close();
        RedisConnections c = connections;
        if (c != null) {
            c.close();
        }
    }

    /** Retries connecting (and so subscribing) if the first attempts failed. */
    void ensureConnected() {
        cmd();
    }

    private <T> T one(Function<RedisClusterAsyncCommands<String, byte[]>, RedisFuture<T>> op) {
        return pipeline(List.of(0), (c, x) -> op.apply(c)).get(0);
    }

    private <X, T> List<T> pipeline(List<X> items,
            java.util.function.BiFunction<RedisClusterAsyncCommands<String, byte[]>, X, RedisFuture<T>> op) {
        List<T> out = new ArrayList<>(items.size());
        try {
            RedisClusterAsyncCommands<String, byte[]> c = cmd();
            for (int start = 0; start < items.size(); start += batch) {
                List<RedisFuture<T>> futures = new ArrayList<>(Math.min(batch, items.size() - start));
                for (int i = start, end = Math.min(items.size(), start + batch); i < end; i++) {
                    futures.add(op.apply(c, items.get(i)));
                }
                long deadline = System.nanoTime() + timeout.toNanos();
                for (RedisFuture<T> f : futures) {
                    out.add(f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
                }
            }
            lastOk = true;
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException(describe() + ": interrupted", e);
        } catch (StoreUnavailableException e) {
            throw e;
        } catch (Exception e) {
            lastOk = false;
            Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null
                    ? e.getCause() : e;
            throw new StoreUnavailableException(describe() + ": " + cause, cause);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
