package org.mirrorgate.index;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.roaringbitmap.IntIterator;
import org.roaringbitmap.RoaringBitmap;

/**
 * Reads availabilities {@link IndexCodec} wrote, against the file table this process holds.
 *
 * <p>An availability was written together with a file table generation. Read back against another
 * generation (a crash between the two writes, a replica that loaded them at different moments), it
 * is made safe: ids that no longer exist are dropped, and files changed after the availability's
 * stamp stop matching (the mirror holds some earlier version: outdated, mtime unknown). So a
 * restore never redirects to a copy nobody checked. Not thread-safe.
 */
public final class AvailabilityReader {

    private final FileTable files;
    private final long filesGeneration;
    private final Map<Long, RoaringBitmap> invalidByStamp = new HashMap<>();

    /**
     * @param files the table the availabilities are read for
     * @param filesGeneration the stored generation of that table
     */
    public AvailabilityReader(FileTable files, long filesGeneration) {
        this.files = files;
        this.filesGeneration = filesGeneration;
    }

    /** How many segments the availability with this header has. */
    public static int segmentCount(byte[] header) {
        Header h = Header.parse(header);
        return Math.max(1, IndexCodec.segmentCount(h.idLimit, h.segmentIds));
    }

    public Availability read(byte[] header, List<byte[]> segments) {
        Header h = Header.parse(header);
        RoaringBitmap matching = new RoaringBitmap();
        int[] ids = new int[64];
        long[] mtimes = new long[64];
        int n = 0;
        for (int s = 0; s < segments.size(); s++) {
            ByteCodec.Reader r = new ByteCodec.Reader(segments.get(s));
            long lo = (long) s * h.segmentIds;
            int mode = r.varInt();
            long width = r.varLong();
            RoaringBitmap part = new RoaringBitmap();
            try {
                part.deserialize(ByteBuffer.wrap(r.lengthPrefixed()));
            } catch (java.io.IOException e) {
                throw new IllegalStateException("availability segment " + s + ": " + e.getMessage(), e);
            }
            if (mode == IndexCodec.MODE_COMPLEMENT) {
                part = RoaringBitmap.flip(part, 0L, width);
            }
            matching.or(RoaringBitmap.addOffset(part, lo));
            int count = r.varInt();
            long prevId = lo;
            long prevMtime = 0;
            for (int i = 0; i < count; i++) {
                if (n == ids.length) {
                    ids = Arrays.copyOf(ids, n * 2);
                    mtimes = Arrays.copyOf(mtimes, n * 2);
                }
                prevId += r.varLong();
                prevMtime += r.zigZag();
                ids[n] = (int) prevId;
                mtimes[n++] = prevMtime;
            }
        }
        OutdatedCopies outdated = OutdatedCopies.of(ids, mtimes, n);
        if (h.filesGeneration != filesGeneration) {
            RoaringBitmap invalid = invalidByStamp.computeIfAbsent(h.filesStampMillis,
                    stamp -> invalid(stamp, Math.max(h.idLimit, matching.isEmpty() ? 0 : matching.last() + 1)));
            RoaringBitmap stale = RoaringBitmap.and(matching, invalid);
            matching.andNot(invalid);
            outdated = outdated.without(id -> !files.exists(id));
            int[] staleIds = new int[stale.getCardinality()];
            long[] unknown = new long[staleIds.length];
            int k = 0;
            for (IntIterator it = stale.getIntIterator(); it.hasNext(); ) {
                int id = it.next();
                if (files.exists(id)) {
                    staleIds[k] = id;
                    unknown[k++] = -1;
                }
            }
            outdated = k == 0 ? outdated : outdated.plus(staleIds, unknown, k);
        }
        return Availability.restore(matching, outdated, h.scannedAtMillis, h.listedEntries, h.coverage,
                h.newestMatchingChangeMillis, h.previousNewestMatchingChangeMillis);
    }

    /** Ids not in the table, or whose file changed after {@code stamp}. */
    private RoaringBitmap invalid(long stamp, long upTo) {
        RoaringBitmap out = new RoaringBitmap();
        for (int id = 0; id < files.idLimit(); id++) {
            if (!files.exists(id) || files.changedAtMillis(id) > stamp) {
                out.add(id);
            }
        }
        if (upTo > files.idLimit()) {
            out.add((long) files.idLimit(), upTo);
        }
        return out;
    }

    private record Header(int idLimit, int segmentIds, long scannedAtMillis, long listedEntries, double coverage,
            long filesGeneration, long filesStampMillis, long newestMatchingChangeMillis,
            long previousNewestMatchingChangeMillis) {

        static Header parse(byte[] header) {
            ByteCodec.Reader r = new ByteCodec.Reader(header);
            long layout = r.varLong();
            if (layout > IndexCodec.LAYOUT) {
                throw new IllegalStateException("availability layout " + layout + " is newer than this mirrorgate's "
                        + IndexCodec.LAYOUT);
            }
            return new Header(r.varInt(), r.varInt(), r.varLong(), r.varLong(), Double.longBitsToDouble(r.rawLong()),
                    r.rawLong(), r.varLong(), r.hasMore() ? r.varLong() : 0, // absent in headers written before them
                    r.hasMore() ? r.varLong() : 0);
        }
    }
}
