package org.mirrorgate.store;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;
import java.util.function.LongSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Large items (the file table, each mirror's availability) stored as segments plus a {@link
 * Manifest}, written without transactions yet never seen half-written.
 *
 * <p>A write: note the new segment keys in the pending hash; write the segments that changed (by
 * hash) in bounded batches under new keys; swap the manifest with one SET ... GET; delete the
 * segments only the old manifest used; clear the pending notes. A reader fetches the manifest, then
 * its segments; a segment deleted under it means a newer generation: it starts again. A writer
 * that died mid-write leaves pending notes, and {@link #collectGarbage} deletes their segments
 * later: nothing leaks, and no command ever touches more than one segment.
 */
final class SegmentedItems {

    private static final Logger log = LoggerFactory.getLogger(SegmentedItems.class);
    private static final HashFunction HASH = Hashing.murmur3_128();
    private static final int READ_ATTEMPTS = 5;

    private final Engine engine;
    private final Keys keys;
    private final int batchSegments;
    private final LongSupplier clock;

    /**
     * @param batchSegments segments written or fetched per step (bounds memory and pipeline size)
     */
    SegmentedItems(Engine engine, Keys keys, int batchSegments, LongSupplier clockMillis) {
        this.engine = engine;
        this.keys = keys;
        this.batchSegments = batchSegments;
        this.clock = clockMillis;
    }

    /** Receives the segments of one read attempt. */
    interface SegmentSink {
        /** @param data the segment's bytes, or null when it is the same as in the {@code known} manifest */
        void segment(int index, byte[] data);
    }

    Manifest manifest(String item) {
        return Manifest.decode(engine.get(item));
    }

    /**
     * The manifests of {@code items}, in order, null for an absent one, and for a damaged one (it
     * does not decode), which is also told to {@code damaged} with its position: one damaged item
     * must not hide the others.
     */
    List<Manifest> manifests(List<String> items, java.util.function.ObjIntConsumer<RuntimeException> damaged) {
        List<Manifest> out = new ArrayList<>(items.size());
        List<byte[]> raw = engine.getAll(items);
        for (int i = 0; i < raw.size(); i++) {
            try {
                out.add(Manifest.decode(raw.get(i)));
            } catch (RuntimeException e) {
                damaged.accept(e, i);
                out.add(null);
            }
        }
        return out;
    }

    /**
     * Writes a new generation of {@code item}. Segments whose bytes hash as in the stored manifest
     * are kept, not rewritten; {@code segment} is called once per segment.
     *
     * @return the manifest now stored
     */
    Manifest write(String item, byte[] meta, int segmentCount, IntFunction<byte[]> segment) {
        return write(item, meta, segmentCount, segment, null, i -> false);
    }

    /**
     * As {@link #write(String, byte[], int, IntFunction)}, and segments the caller knows to be the
     * same as in {@code known} (what it wrote last) are not even encoded, if the store still holds
     * {@code known}.
     */
    Manifest write(String item, byte[] meta, int segmentCount, IntFunction<byte[]> segment, Manifest known,
            IntPredicate unchangedSinceKnown) {
        Manifest base = replaceable(item, engine.get(item), true);
        IntPredicate reuse = base != null && known != null && base.generation() == known.generation()
                ? unchangedSinceKnown : i -> false;
        for (int attempt = 0; ; attempt++) {
            Draft draft = attempt == 0 ? writeSegments(item, meta, segmentCount, segment, base, reuse)
                    : writeSegments(item, meta, segmentCount, segment, null, i -> false);
            Manifest replaced = replaceable(item, engine.swap(item, draft.manifest.encode()), false);
            engine.hashDelete(keys.pending(), draft.newKeys);
            deleteUnused(item, replaced, draft.manifest);
            if (attempt > 0 || sameGeneration(replaced, base) || draft.reusedNone()) {
                return draft.manifest;
            }
            // Another writer swapped in between and may have deleted segments reused from base.
        }
    }

    /**
     * The stored manifest a write replaces, or null when absent or damaged: a damaged one is
     * written over afresh (its segments are left behind), or it would fail every later write of the
     * item, and with it every write-behind group, for good.
     */
    private Manifest replaceable(String item, byte[] stored, boolean report) {
        try {
            return Manifest.decode(stored);
        } catch (RuntimeException e) {
            if (report) {
                log.info("{} {}: replacing a damaged manifest ({})", engine.describe(), item, e.getMessage());
            }
            return null;
        }
    }

    /** A new generation's manifest, and the segment keys written for it. */
    private record Draft(Manifest manifest, List<String> newKeys) {
        boolean reusedNone() {
            for (long g : manifest.segmentGenerations()) {
                if (g != manifest.generation()) {
                    return false;
                }
            }
            return true;
        }
    }

    private Draft writeSegments(String item, byte[] meta, int segmentCount, IntFunction<byte[]> segment,
            Manifest base, IntPredicate reuse) {
        long gen = ThreadLocalRandom.current().nextLong();
        long[] gens = new long[segmentCount];
        long[] hashes = new long[segmentCount];
        byte[] note = (clock.getAsLong() + " " + item).getBytes(StandardCharsets.UTF_8);
        List<String> written = new ArrayList<>();
        for (int from = 0; from < segmentCount; from += batchSegments) {
            Map<String, byte[]> batch = new LinkedHashMap<>();
            for (int i = from; i < Math.min(segmentCount, from + batchSegments); i++) {
                if (base != null && i < base.segmentCount() && reuse.test(i)) {
                    gens[i] = base.segmentGenerations()[i];
                    hashes[i] = base.segmentHashes()[i];
                    continue;
                }
                byte[] data = segment.apply(i);
                hashes[i] = HASH.hashBytes(data).asLong();
                if (base != null && i < base.segmentCount() && base.segmentHashes()[i] == hashes[i]) {
                    gens[i] = base.segmentGenerations()[i];
                } else {
                    gens[i] = gen;
                    batch.put(Keys.segment(item, i, gen), data);
                }
            }
            if (!batch.isEmpty()) {
                Map<String, byte[]> notes = new LinkedHashMap<>();
                batch.keySet().forEach(k -> notes.put(k, note));
                engine.hashPut(keys.pending(), notes);
                engine.putAll(batch);
                written.addAll(batch.keySet());
            }
        }
        return new Draft(new Manifest(gen, meta, gens, hashes), written);
    }

    private void deleteUnused(String item, Manifest old, Manifest now) {
        if (old == null) {
            return;
        }
        Set<String> used = new HashSet<>();
        for (int i = 0; i < now.segmentCount(); i++) {
            used.add(now.segmentKey(item, i));
        }
        List<String> doomed = new ArrayList<>();
        for (int i = 0; i < old.segmentCount(); i++) {
            if (!used.contains(old.segmentKey(item, i))) {
                doomed.add(old.segmentKey(item, i));
            }
        }
        engine.delete(doomed);
    }

    private static boolean sameGeneration(Manifest a, Manifest b) {
        return a == null ? b == null : b != null && a.generation() == b.generation();
    }

    /** Deletes an item and its segments. */
    void delete(String item) {
        Manifest old = Manifest.decode(engine.get(item));
        engine.delete(List.of(item));
        if (old != null) {
            List<String> segs = new ArrayList<>();
            for (int i = 0; i < old.segmentCount(); i++) {
                segs.add(old.segmentKey(item, i));
            }
            engine.delete(segs);
        }
    }

    /**
     * Reads {@code item}: the segments that differ from {@code known} (all of them when it is null),
     * batch by batch, into a sink made for the manifest read. If a newer generation replaces the
     * item meanwhile, the read starts again with a fresh sink.
     *
     * @return the manifest that was read, or null when the item does not exist
     * @throws IllegalStateException when a segment of a current manifest is missing (damaged data)
     */
    Manifest read(String item, Manifest known, Function<Manifest, ? extends SegmentSink> sinks) {
        for (int attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
            Manifest m = manifest(item);
            if (m == null) {
                return null;
            }
            if (readSegments(item, m, known, sinks.apply(m))) {
                return m;
            }
            Manifest again = manifest(item);
            if (again != null && again.generation() == m.generation()) {
                throw new IllegalStateException(engine.describe() + ": " + item + " generation "
                        + Long.toHexString(m.generation()) + " has a missing segment");
            }
        }
        throw new StoreUnavailableException(engine.describe() + ": " + item + " kept changing while being read", null);
    }

    private boolean readSegments(String item, Manifest m, Manifest known, SegmentSink sink) {
        for (int from = 0; from < m.segmentCount(); from += batchSegments) {
            int to = Math.min(m.segmentCount(), from + batchSegments);
            List<String> wanted = new ArrayList<>();
            List<Integer> indexes = new ArrayList<>();
            for (int i = from; i < to; i++) {
                if (m.sameSegment(i, known)) {
                    sink.segment(i, null);
                } else {
                    wanted.add(m.segmentKey(item, i));
                    indexes.add(i);
                }
            }
            List<byte[]> got = engine.getAll(wanted);
            for (int k = 0; k < got.size(); k++) {
                if (got.get(k) == null) {
                    return false;
                }
                sink.segment(indexes.get(k), got.get(k));
            }
        }
        return true;
    }

    /**
     * Deletes segments that writers noted as pending more than {@code olderThanMillis} ago and that
     * no current manifest uses (their writer died before switching).
     *
     * @return how many segments were deleted
     */
    int collectGarbage(long olderThanMillis) {
        long cutoff = clock.getAsLong() - olderThanMillis;
        Map<String, byte[]> notes = engine.hashGetAll(keys.pending());
        List<String> doneNotes = new ArrayList<>();
        List<String> doomed = new ArrayList<>();
        Map<String, Manifest> manifests = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : notes.entrySet()) {
            String note = new String(e.getValue(), StandardCharsets.UTF_8);
            int space = note.indexOf(' ');
            if (Long.parseLong(note.substring(0, space)) > cutoff) {
                continue;
            }
            String item = note.substring(space + 1);
            Manifest m = manifests.computeIfAbsent(item, this::manifest);
            boolean used = false;
            for (int i = 0; m != null && i < m.segmentCount() && !used; i++) {
                used = m.segmentKey(item, i).equals(e.getKey());
            }
            if (!used) {
                doomed.add(e.getKey());
            }
            doneNotes.add(e.getKey());
        }
        engine.delete(doomed);
        engine.hashDelete(keys.pending(), doneNotes);
        return doomed.size();
    }
}
