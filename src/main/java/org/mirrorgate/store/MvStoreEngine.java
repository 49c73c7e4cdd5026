package org.mirrorgate.store;

import static java.util.Objects.requireNonNull;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.h2.mvstore.type.ByteArrayDataType;
import org.h2.mvstore.type.LongDataType;
import org.h2.mvstore.type.StringDataType;
import org.mirrorgate.lease.InProcessLeaseTable;

/**
 * The embedded engine: one H2 MVStore file, for a single node.
 *
 * <p>MVStore is log-structured: a commit appends a chunk (with a checksum) and then points the file
 * header at it, so a process killed mid-write reopens at the last complete commit. Every write
 * method here ends with a commit (and an fsync unless disabled), so what a method acknowledged
 * survives {@code kill -9} (and, with fsync, power loss). The file is locked by the process that
 * opened it.
 *
 * <p>Redis types map to sorted maps: hashes and lists are entries keyed {@code key NUL field} and
 * {@code key NUL sequence}, so a hash or list is a key range. Leases and notices are in-process:
 * there is only one node.
 */
final class MvStoreEngine implements Engine {

    private static final long SWEEP_EVERY_MILLIS = 60_000;

    private final Path file;
    private final MVStore store;
    private final MVMap<String, byte[]> strings;
    private final MVMap<String, byte[]> hashes;
    private final MVMap<String, byte[]> lists;
    private final MVMap<String, Long> expiry;
    private final boolean fsync;
    private final LongSupplier clock;
    private final Object writeLock = new Object();
    private final InProcessLeaseTable leases;
    private final Map<String, List<Consumer<byte[]>>> subscribers = new ConcurrentHashMap<>();
    @GuardedBy("writeLock")
    private long nextSweep;
    private final ThreadLocal<int[]> groupDepth = ThreadLocal.withInitial(() -> new int[1]);

    private MvStoreEngine(Path file, MVStore store, boolean fsync, LongSupplier clock) {
        this.file = file;
        this.store = store;
        this.fsync = fsync;
        this.clock = clock;
        this.leases = new InProcessLeaseTable(clock);
        this.strings = store.openMap("strings", bytesMap());
        this.hashes = store.openMap("hashes", bytesMap());
        this.lists = store.openMap("lists", bytesMap());
        this.expiry = store.openMap("expiry",
                new MVMap.Builder<String, Long>().keyType(StringDataType.INSTANCE).valueType(LongDataType.INSTANCE));
    }

    /**
     * Opens (or creates) the store file.
     *
     * @param fsync force each commit to the disk: survives power loss, not only process death
     * @throws StoreUnavailableException when the file is locked by another process or unreadable
     */
    static MvStoreEngine open(Path file, boolean fsync, LongSupplier clockMillis) {
        requireNonNull(file, "file");
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            MVStore store = new MVStore.Builder().fileName(file.toString()).autoCommitDisabled().compress().open();
            return new MvStoreEngine(file, store, fsync, clockMillis);
        } catch (MVStoreException | java.io.IOException e) {
            throw new StoreUnavailableException(file + ": cannot open the embedded store (" + e.getMessage()
                    + "); is another mirrorgate using it?", e);
        }
    }

    /**
     * Opens an existing store file for reading only (an offline replay of its index): nothing is
     * created or written. MVStore takes a shared lock, so this fails while a service holds the file.
     *
     * @throws StoreUnavailableException when the file is missing, locked by a running service or unreadable
     */
    static MvStoreEngine openReadOnly(Path file) {
        requireNonNull(file, "file");
        if (!Files.isRegularFile(file)) {
            throw new StoreUnavailableException(file + ": no embedded store there (expected the file store.path"
                    + " holds; check --store or the config's store.path)", null);
        }
        try {
            MVStore store = new MVStore.Builder().fileName(file.toString()).readOnly().open();
            return new MvStoreEngine(file, store, false, System::currentTimeMillis);
        } catch (MVStoreException e) {
            throw new StoreUnavailableException(file + ": cannot open the embedded store read-only (" + e.getMessage()
                    + "); a running mirrorgate holds it: stop it, or copy the state directory and point at the copy", e);
        }
    }

    private static MVMap.Builder<String, byte[]> bytesMap() {
        return new MVMap.Builder<String, byte[]>().keyType(StringDataType.INSTANCE)
                .valueType(ByteArrayDataType.INSTANCE);
    }

    @Override
    public byte[] get(String key) {
        return read(() -> strings.get(key));
    }

    @Override
    public List<byte[]> getAll(List<String> keys) {
        return read(() -> {
            List<byte[]> out = new ArrayList<>(keys.size());
            keys.forEach(k -> out.add(strings.get(k)));
            return out;
        });
    }

    @Override
    public void put(String key, byte[] value) {
        write(() -> strings.put(key, value));
    }

    @Override
    public void putAll(Map<String, byte[]> entries) {
        write(() -> {
            strings.putAll(entries);
            return null;
        });
    }

    @Override
    public byte[] swap(String key, byte[] value) {
        return write(() -> strings.put(key, value));
    }

    @Override
    public void delete(Collection<String> keys) {
        write(() -> {
            keys.forEach(this::deleteNow);
            return null;
        });
    }

    @GuardedBy("writeLock")
    private void deleteNow(String key) {
        strings.remove(key);
        KeyRanges.remove(hashes, key);
        KeyRanges.remove(lists, key);
        expiry.remove(key);
    }

    @Override
    public Map<String, byte[]> hashGetAll(String key) {
        return read(() -> expired(key) ? new LinkedHashMap<>() : KeyRanges.fields(hashes, key));
    }

    @Override
    public byte[] hashGet(String key, String field) {
        return read(() -> expired(key) ? null : hashes.get(KeyRanges.entry(key, field)));
    }

    @Override
    public void hashPut(String key, Map<String, byte[]> fields) {
        write(() -> {
            fields.forEach((f, v) -> hashes.put(KeyRanges.entry(key, f), v));
            return null;
        });
    }

    @Override
    public void hashDelete(String key, Collection<String> fields) {
        write(() -> {
            fields.forEach(f -> hashes.remove(KeyRanges.entry(key, f)));
            return null;
        });
    }

    @Override
    public void increment(List<Increment> increments) {
        write(() -> {
            long now = clock.getAsLong();
            for (Increment inc : increments) {
                if (expired(inc.key())) {
                    deleteNow(inc.key());
                }
                String k = KeyRanges.entry(inc.key(), inc.field());
                hashes.put(k, ascii(parse(hashes.get(k)) + inc.delta()));
                if (inc.expireAtMillis() > 0) {
                    expiry.put(inc.key(), inc.expireAtMillis());
                }
            }
            if (now >= nextSweep) {
                nextSweep = now + SWEEP_EVERY_MILLIS;
                List<String> dead = new ArrayList<>();
                expiry.forEach((k, at) -> {
                    if (at <= now) {
                        dead.add(k);
                    }
                });
                dead.forEach(this::deleteNow);
            }
            return null;
        });
    }

    @Override
    public List<Long> counters(List<String> keys, String field) {
        return read(() -> {
            List<Long> out = new ArrayList<>(keys.size());
            for (String key : keys) {
                out.add(expired(key) ? 0 : parse(hashes.get(KeyRanges.entry(key, field))));
            }
            return out;
        });
    }

    @Override
    public void scanCounters(String key, CounterVisitor visitor) {
        hashGetAll(key).forEach((f, v) -> visitor.visit(f, parse(v)));
    }

    @Override
    public void push(String key, List<byte[]> values, int keep) {
        write(() -> {
            KeyRanges.push(lists, key, values, keep);
            return null;
        });
    }

    @Override
    public List<byte[]> newest(String key, int limit) {
        return read(() -> KeyRanges.newest(lists, key, limit));
    }

    @Override
    public boolean lock(String key, String owner, long leaseMillis) {
        return leases.lock(key, owner, leaseMillis);
    }

    @Override
    public boolean renew(String key, String owner, long leaseMillis) {
        return leases.renew(key, owner, leaseMillis);
    }

    @Override
    public boolean unlock(String key, String owner) {
        return leases.unlock(key, owner);
    }

    @Override
    public String lockHolder(String key) {
        return leases.holder(key);
    }

    @Override
    public void publish(String channel, byte[] message) {
        subscribers.getOrDefault(channel, List.of()).forEach(c -> c.accept(message));
    }

    @Override
    public AutoCloseable subscribe(String channel, Consumer<byte[]> onMessage, Runnable onReconnect) {
        subscribers.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>()).add(onMessage);
        return () -> subscribers.get(channel).remove(onMessage);
    }

    @Override
    public boolean connected() {
        return !store.isClosed();
    }

    @Override
    public String describe() {
        return file.toString();
    }

    @Override
    public void close() {
        synchronized (writeLock) {
            if (!store.isClosed()) {
                store.close();
            }
        }
    }

    private boolean expired(String key) {
        Long at = expiry.get(key);
        return at != null && at <= clock.getAsLong();
    }

    @GuardedBy("writeLock")

    private <T> T read(Supplier<T> op) {
        try {
            return op.get();
        } catch (MVStoreException | IllegalStateException e) {
            throw new StoreUnavailableException(file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void writeGroup(Runnable writes) {
        int[] depth = groupDepth.get();
        depth[0]++;
        try {
            writes.run();
        } finally {
            if (--depth[0] == 0) {
                write(() -> null); // one commit and sync for the whole group
            }
        }
    }

    /**
     * Runs {@code op} and commits (one MVStore version per call, so a batch is atomic here), unless
     * a {@link #writeGroup} on this thread commits at its end.
     */
    private <T> T write(Supplier<T> op) {
        synchronized (writeLock) {
            try {
                T result = op.get();
                if (groupDepth.get()[0] == 0) {
                    store.commit();
                    if (fsync) {
                        store.sync();
                    }
                }
                return result;
            } catch (MVStoreException | IllegalStateException e) {
                throw new StoreUnavailableException(file + ": " + e.getMessage(), e);
            }
        }
    }

    private static long parse(byte[] ascii) {
        return ascii == null ? 0 : Long.parseLong(new String(ascii, StandardCharsets.US_ASCII));
    }

    private static byte[] ascii(long v) {
        return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
    }
}
