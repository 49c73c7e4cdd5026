package org.mirrorgate.index;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.roaringbitmap.RoaringBitmap;

/**
 * Compact, segmented binary forms of the {@link FileTable} and of each mirror's {@link
 * Availability}, for the persistent store. Decoding is done by {@link FileTableReader} and {@link
 * AvailabilityReader}.
 *
 * <p>Both are cut into segments by id range, so a store writes only the segments that changed and
 * no value is large: {@value #FILE_SEGMENT_IDS} files (a few hundred KB) per file-table segment,
 * {@value #AVAILABILITY_SEGMENT_IDS} ids per availability segment (one RoaringBitmap container).
 *
 * <p>Why this shape: a file costs its path front-coded against the previous one (neighbouring ids
 * share directories), varint size, zigzag deltas of mtime and change time, and its raw digests. A
 * mirror missing 2 % of the files is stored as the 2 % it misses (the complement), not as the 98 %
 * it holds: 65 KB instead of 205 KB at 1.64 M files.
 */
public final class IndexCodec {

    /** Bumped when a segment's layout changes; readers refuse newer ones. */
    public static final int LAYOUT = 1;
    public static final int FILE_SEGMENT_IDS = 4096;
    public static final int AVAILABILITY_SEGMENT_IDS = 1 << 16;

    static final int FLAG_EXISTS = 1;
    static final int FLAG_DELETED = 2;
    static final int FLAG_DIGEST0 = 4; // then one bit per Digest ordinal

    static final int MODE_IDS = 0;
    static final int MODE_COMPLEMENT = 1;

    private IndexCodec() {}

    /** How many segments of {@code segmentIds} ids cover {@code idLimit} ids. */
    public static int segmentCount(int idLimit, int segmentIds) {
        return (idLimit + segmentIds - 1) / segmentIds;
    }

    /** What a reader needs before the segments: layout, id limit, kept digests. */
    public static byte[] fileHeader(FileTable t) {
        int mask = 0;
        for (Digest d : t.digests()) {
            mask |= 1 << d.ordinal();
        }
        return new ByteCodec.Writer(16).varLong(LAYOUT).varLong(t.idLimit()).varLong(FILE_SEGMENT_IDS)
                .varLong(mask).toByteArray();
    }

    /** Ids {@code segment * FILE_SEGMENT_IDS} up to the next segment (or the id limit). */
    public static byte[] fileSegment(FileTable t, int segment) {
        int from = segment * FILE_SEGMENT_IDS;
        int to = Math.min(t.idLimit(), from + FILE_SEGMENT_IDS);
        Digest[] kept = t.digests().toArray(new Digest[0]);
        ByteCodec.Writer w = new ByteCodec.Writer((to - from) * 64);
        w.varLong(from).varLong(to - from);
        String prev = "";
        long prevMtime = 0;
        long prevChanged = 0;
        for (int id = from; id < to; id++) {
            if (!t.exists(id)) {
                w.varLong(0);
                continue;
            }
            byte[][] digests = new byte[Digest.values().length][];
            int flags = FLAG_EXISTS | (t.isDeleted(id) ? FLAG_DELETED : 0);
            for (Digest d : kept) {
                digests[d.ordinal()] = t.digest(id, d);
                if (digests[d.ordinal()] != null) {
                    flags |= FLAG_DIGEST0 << d.ordinal();
                }
            }
            w.varLong(flags);
            String path = t.path(id);
            int shared = sharedPrefix(prev, path);
            w.varLong(shared).utf8(path.substring(shared));
            prev = path;
            w.varLong(t.size(id)).zigZag(t.mtimeMillis(id) - prevMtime).zigZag(t.changedAtMillis(id) - prevChanged);
            prevMtime = t.mtimeMillis(id);
            prevChanged = t.changedAtMillis(id);
            if (t.isDeleted(id)) {
                w.zigZag(t.deletedAtMillis(id) - prevChanged);
            }
            for (byte[] digest : digests) {
                if (digest != null) {
                    w.bytes(digest, 0, digest.length);
                }
            }
        }
        return w.toByteArray();
    }

    /**
     * True when segment {@code segment} of {@code b} holds exactly what it holds in {@code a}
     * (same id limit, same files, same digests): it need not be encoded again.
     */
    public static boolean sameFileSegment(FileTable a, FileTable b, int segment) {
        if (a == b) {
            return true;
        }
        int from = segment * FILE_SEGMENT_IDS;
        int to = Math.min(a.idLimit(), from + FILE_SEGMENT_IDS);
        if (to != Math.min(b.idLimit(), from + FILE_SEGMENT_IDS) || !a.digests().equals(b.digests())) {
            return false; // another id range (the last segment grew or shrank), or other digests kept
        }
        for (int id = from; id < to; id++) {
            if (a.exists(id) != b.exists(id)) {
                return false;
            }
            if (a.exists(id) && !sameFile(a, b, id)) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameFile(FileTable a, FileTable b, int id) {
        if (a.size(id) != b.size(id) || a.mtimeMillis(id) != b.mtimeMillis(id)
                || a.changedAtMillis(id) != b.changedAtMillis(id) || a.deletedAtMillis(id) != b.deletedAtMillis(id)
                || !a.path(id).equals(b.path(id))) {
            return false;
        }
        for (Digest d : a.digests()) {
            if (!java.util.Arrays.equals(a.digest(id, d), b.digest(id, d))) {
                return false;
            }
        }
        return true;
    }

    /**
     * What a reader needs besides the segments: when the mirror was scanned, what it listed, and
     * which file table the availability was consistent with.
     *
     * @param filesGeneration the stored generation of that file table
     * @param filesStampMillis its {@link FileTable#lastChangeMillis()}: files changed after it are
     *     no longer trusted as matching when read back against a newer table
     */
    public static byte[] availabilityHeader(Availability a, int idLimit, long filesGeneration, long filesStampMillis) {
        return new ByteCodec.Writer(48).varLong(LAYOUT).varLong(idLimit).varLong(AVAILABILITY_SEGMENT_IDS)
                .varLong(a.scannedAtMillis()).varLong(a.listedEntries())
                .rawLong(Double.doubleToLongBits(a.coverage())).rawLong(filesGeneration)
                .varLong(filesStampMillis)
                // Appended after the first layout: a reader that predates it stops before it.
                .varLong(a.newestMatchingChangeMillis()).varLong(a.previousNewestMatchingChangeMillis()).toByteArray();
    }

    /** How many segments an availability over {@code idLimit} ids is cut into (at least one). */
    public static int availabilitySegmentCount(int idLimit) {
        return Math.max(1, segmentCount(idLimit, AVAILABILITY_SEGMENT_IDS));
    }

    /** The availability cut in {@link #availabilitySegmentCount}{@code (idLimit)} segments. */
    public static List<byte[]> availabilitySegments(Availability a, int idLimit) {
        List<byte[]> out = new ArrayList<>();
        for (int s = 0; s < availabilitySegmentCount(idLimit); s++) {
            out.add(availabilitySegment(a, idLimit, s));
        }
        return out;
    }

    /** Segment {@code segment}: the ids of one 65536-id range (one RoaringBitmap container). */
    public static byte[] availabilitySegment(Availability a, int idLimit, int segment) {
        RoaringBitmap all = a.matchingView();
        long lo = (long) segment * AVAILABILITY_SEGMENT_IDS;
        long hi = segment == availabilitySegmentCount(idLimit) - 1
                ? Math.max(lo, Math.max(idLimit, all.isEmpty() ? 0 : all.last() + 1L)) : lo + AVAILABILITY_SEGMENT_IDS;
        RoaringBitmap ids = RoaringBitmap.addOffset(RoaringBitmap.and(all, RoaringBitmap.bitmapOfRange(lo, hi)), -lo);
        RoaringBitmap complement = RoaringBitmap.flip(ids, 0L, hi - lo);
        ids.runOptimize();
        complement.runOptimize();
        boolean flip = complement.serializedSizeInBytes() < ids.serializedSizeInBytes();
        RoaringBitmap chosen = flip ? complement : ids;
        ByteBuffer bb = ByteBuffer.allocate(chosen.serializedSizeInBytes());
        chosen.serialize(bb);
        ByteCodec.Writer w = new ByteCodec.Writer(bb.capacity() + 64);
        w.varLong(flip ? MODE_COMPLEMENT : MODE_IDS).varLong(hi - lo).lengthPrefixed(bb.array());
        OutdatedCopies outdated = a.outdated();
        int start = firstOutdatedAtOrAfter(outdated, lo);
        int end = segment == availabilitySegmentCount(idLimit) - 1 ? outdated.size() : firstOutdatedAtOrAfter(outdated, hi);
        w.varLong(end - start);
        long prevId = lo;
        long prevMtime = 0;
        for (int i = start; i < end; i++) {
            w.varLong(outdated.idAt(i) - prevId).zigZag(outdated.mtimeAt(i) - prevMtime);
            prevId = outdated.idAt(i);
            prevMtime = outdated.mtimeAt(i);
        }
        return w.toByteArray();
    }

    /**
     * True when segment {@code segment} of {@code b} holds what it holds in {@code a}: it need not
     * be encoded again. May answer false for equal content in another representation (then the
     * segment is encoded and its hash decides).
     */
    public static boolean sameAvailabilitySegment(Availability a, Availability b, int idLimit, int segment) {
        if (a == b) {
            return true;
        }
        if (segment == availabilitySegmentCount(idLimit) - 1) {
            return false; // the last segment also holds whatever lies beyond: not worth the care
        }
        if (!java.util.Objects.equals(container(a.matchingView(), segment), container(b.matchingView(), segment))) {
            return false;
        }
        long lo = (long) segment * AVAILABILITY_SEGMENT_IDS;
        long hi = lo + AVAILABILITY_SEGMENT_IDS;
        OutdatedCopies x = a.outdated();
        OutdatedCopies y = b.outdated();
        int i = firstOutdatedAtOrAfter(x, lo);
        int j = firstOutdatedAtOrAfter(y, lo);
        for (; i < x.size() && x.idAt(i) < hi; i++, j++) {
            if (j >= y.size() || x.idAt(i) != y.idAt(j) || x.mtimeAt(i) != y.mtimeAt(j)) {
                return false;
            }
        }
        return j >= y.size() || y.idAt(j) >= hi;
    }

    private static org.roaringbitmap.Container container(RoaringBitmap b, int key) {
        org.roaringbitmap.ContainerPointer p = b.getContainerPointer();
        while (p.getContainer() != null && p.key() < key) {
            p.advance();
        }
        return p.getContainer() != null && p.key() == key ? p.getContainer() : null;
    }

    private static int firstOutdatedAtOrAfter(OutdatedCopies o, long id) {
        int lo = 0;
        int hi = o.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (o.idAt(mid) < id) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static int sharedPrefix(String a, String b) {
        int n = Math.min(a.length(), b.length());
        int i = 0;
        while (i < n && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        if (i > 0 && Character.isHighSurrogate(a.charAt(i - 1))) {
            i--; // never split a surrogate pair: the suffix is encoded as UTF-8 on its own
        }
        return i;
    }
}
