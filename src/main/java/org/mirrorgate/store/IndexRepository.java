package org.mirrorgate.store;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mirrorgate.index.Availability;
import org.mirrorgate.index.AvailabilityReader;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.FileTableReader;
import org.mirrorgate.index.IndexCodec;
import org.mirrorgate.mirror.MirrorSpec;
import org.mirrorgate.mirror.MirrorState;

/**
 * Reads and writes the index's parts in the store: the file table and availabilities as segmented
 * items, mirror declarations and states as hashes of JSON records, one field per mirror.
 */
final class IndexRepository {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(IndexRepository.class);

    /**
     * A file table as stored. The table is held weakly: it serves to skip unchanged segments, and a
     * replica cut off from the store must not keep an old 300 MB table alive for that.
     */
    static final class StoredFiles {
        private final Manifest manifest;
        private final WeakReference<FileTable> table;
        private final int idLimit;
        private final long stampMillis;

        StoredFiles(Manifest manifest, FileTable table) {
            this.manifest = manifest;
            this.table = new WeakReference<>(table);
            this.idLimit = table.idLimit();
            this.stampMillis = table.lastChangeMillis();
        }

        Manifest manifest() {
            return manifest;
        }

        long generation() {
            return manifest.generation();
        }

        /** True when {@code t} is the very table that was stored. */
        boolean holds(FileTable t) {
            return table.get() == t;
        }

        FileTable tableOrNull() {
            return table.get();
        }
    }

    /**
     * What {@link #readFiles} decoded: the stored form, and the table itself held strongly, since
     * {@link StoredFiles} keeps it only weakly and a GC between the read and its use would lose it.
     */
    record FilesRead(StoredFiles stored, FileTable table) {}

    /** A mirror's availability as stored. */
    record StoredAvailability(Manifest manifest, Availability availability) {}

    private final Engine engine;
    private final Keys keys;
    private final SegmentedItems items;

    IndexRepository(Engine engine, Keys keys, SegmentedItems items) {
        this.engine = engine;
        this.keys = keys;
        this.items = items;
    }

    SegmentedItems items() {
        return items;
    }

    /**
     * Writes {@code t}. Segments equal to those of {@code previous} (the table last written, if
     * still in memory) are not even encoded: a hashing batch or a small push costs its segments,
     * not the whole table.
     */
    StoredFiles writeFiles(FileTable t, StoredFiles previous) {
        FileTable old = previous == null ? null : previous.tableOrNull();
        Manifest m = items.write(keys.files(), IndexCodec.fileHeader(t),
                IndexCodec.segmentCount(t.idLimit(), IndexCodec.FILE_SEGMENT_IDS), s -> IndexCodec.fileSegment(t, s),
                old == null ? null : previous.manifest(), s -> IndexCodec.sameFileSegment(old, t, s));
        return new StoredFiles(m, t);
    }

    /**
     * Reads the stored file table, decoding only the segments that differ from {@code known} (whose
     * table, if still in memory, provides the others).
     *
     * @return null when no file table is stored
     */
    FilesRead readFiles(StoredFiles known) {
        FileTable knownTable = known == null ? null : known.tableOrNull();
        Manifest knownManifest = knownTable == null ? null : known.manifest();
        FileTableReader[] reader = new FileTableReader[1];
        Manifest m = items.read(keys.files(), knownManifest, manifest -> {
            FileTableReader r = new FileTableReader(manifest.meta());
            reader[0] = r;
            return (index, data) -> {
                if (data == null) {
                    r.copy(index, knownTable);
                } else {
                    r.segment(data);
                }
            };
        });
        if (m == null) {
            return null;
        }
        FileTable table = reader[0].build();
        return new FilesRead(new StoredFiles(m, table), table);
    }

    Manifest filesManifest() {
        return items.manifest(keys.files());
    }

    /**
     * Writes a mirror's availability. Segments equal to those of {@code previous} (what was last
     * written for the mirror) are not even encoded: reconciling 375 mirrors after a push costs the
     * segments holding the changed files, not 375 whole bitmaps.
     *
     * @param files the stored table {@code a} is consistent with, or null when none is stored yet
     * @param idLimit that table's id limit
     */
    StoredAvailability writeAvailability(String mirror, Availability a, StoredFiles files, int idLimit,
            StoredAvailability previous) {
        long gen = files == null ? 0 : files.generation();
        long stamp = files == null ? 0 : files.stampMillis;
        int limit = files == null ? idLimit : files.idLimit;
        Availability old = previous == null ? null : previous.availability();
        Manifest m = items.write(keys.availability(mirror), IndexCodec.availabilityHeader(a, limit, gen, stamp),
                IndexCodec.availabilitySegmentCount(limit), s -> IndexCodec.availabilitySegment(a, limit, s),
                previous == null ? null : previous.manifest(),
                s -> old != null && IndexCodec.sameAvailabilitySegment(old, a, limit, s));
        return new StoredAvailability(m, a);
    }

    /** @return null when nothing is stored for {@code mirror} */
    StoredAvailability readAvailability(String mirror, AvailabilityReader reader) {
        List<byte[]> segments = new ArrayList<>();
        Manifest m = items.read(keys.availability(mirror), null, manifest -> {
            segments.clear();
            return (index, data) -> segments.add(data);
        });
        return m == null ? null : new StoredAvailability(m, reader.read(m.meta(), segments));
    }

    /**
     * The manifest of each mirror's stored availability (null when none, or damaged: then told to
     * {@code damaged} with the mirror's position), in order.
     */
    List<Manifest> availabilityManifests(List<String> mirrors, java.util.function.ObjIntConsumer<RuntimeException> damaged) {
        return items.manifests(mirrors.stream().map(keys::availability).toList(), damaged);
    }

    /** Mirror declarations; an unreadable record is skipped with a warning (the writer replaces it). */
    Map<String, MirrorSpec> readSpecs() {
        return readRecords(keys.mirrors(), MirrorCodec::spec);
    }

    void writeSpecs(Collection<MirrorSpec> upserts) {
        Map<String, byte[]> fields = new LinkedHashMap<>();
        upserts.forEach(s -> fields.put(s.name(), MirrorCodec.spec(s)));
        if (!fields.isEmpty()) {
            engine.hashPut(keys.mirrors(), fields);
        }
    }

    /** Forgets a mirror: declaration, state, availability and events. */
    void deleteMirror(String name) {
        engine.hashDelete(keys.mirrors(), List.of(name));
        engine.hashDelete(keys.states(), List.of(name));
        items.delete(keys.availability(name));
        engine.delete(List.of(keys.events(name)));
    }

    /** Mirror states; an unreadable record is skipped with a warning (the writer replaces it). */
    Map<String, MirrorState> readStates() {
        return readRecords(keys.states(), MirrorCodec::state);
    }

    private <T> Map<String, T> readRecords(String key, java.util.function.Function<byte[], T> decode) {
        Map<String, T> out = new LinkedHashMap<>();
        engine.hashGetAll(key).forEach((name, json) -> {
            try {
                out.put(name, decode.apply(json));
            } catch (RuntimeException e) {
                log.warn("{} {} field {}: unreadable, ignored: {}; nothing to do, it is rewritten at its next change"
                        + " (if it recurs, check the store's disk or Redis)", engine.describe(), key, name, e.getMessage());
            }
        });
        return out;
    }

    /** @return null when no state is stored for {@code mirror} */
    MirrorState readState(String mirror) {
        byte[] json = engine.hashGet(keys.states(), mirror);
        return json == null ? null : MirrorCodec.state(json);
    }

    void writeStates(Map<String, MirrorState> states) {
        Map<String, byte[]> fields = new LinkedHashMap<>();
        states.forEach((name, s) -> fields.put(name, MirrorCodec.state(s)));
        if (!fields.isEmpty()) {
            engine.hashPut(keys.states(), fields);
        }
    }
}
