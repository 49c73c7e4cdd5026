package org.mirrorgate.store;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;

/**
 * Redis hashes and lists on sorted maps, for the embedded engine: a hash is the entries keyed
 * {@code key NUL field}, a list the entries keyed {@code key NUL 16-hex-digit sequence} (newest =
 * highest), so either is one key range. Callers hold the engine's locks.
 */
final class KeyRanges {

    private static final char SEP = '\u0000';

    private KeyRanges() {}

    static String entry(String key, String field) {
        return key + SEP + field;
    }

    /** Every field of hash {@code key}, in field order. */
    static Map<String, byte[]> fields(MVMap<String, byte[]> map, String key) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        String prefix = key + SEP;
        for (Cursor<String, byte[]> c = map.cursor(prefix); c.hasNext(); ) {
            String k = c.next();
            if (!k.startsWith(prefix)) {
                break;
            }
            out.put(k.substring(prefix.length()), c.getValue());
        }
        return out;
    }

    /** Removes the whole range of {@code key}. */
    static void remove(MVMap<String, byte[]> map, String key) {
        String prefix = key + SEP;
        List<String> doomed = new ArrayList<>();
        for (Iterator<String> it = map.keyIterator(prefix); it.hasNext(); ) {
            String k = it.next();
            if (!k.startsWith(prefix)) {
                break;
            }
            doomed.add(k);
        }
        doomed.forEach(map::remove);
    }

    /** Appends {@code values} to list {@code key} (the last is the newest) and keeps the newest {@code keep}. */
    static void push(MVMap<String, byte[]> map, String key, List<byte[]> values, int keep) {
        String prefix = key + SEP;
        String last = map.lowerKey(key + '\u0001');
        long seq = last != null && last.startsWith(prefix) ? Long.parseLong(last.substring(prefix.length()), 16) : 0;
        for (byte[] v : values) {
            map.put(prefix + String.format("%016x", ++seq), v);
        }
        String first = map.ceilingKey(prefix);
        long firstSeq = Long.parseLong(first.substring(prefix.length()), 16);
        for (long s = firstSeq; seq - s + 1 > keep; s++) {
            map.remove(prefix + String.format("%016x", s));
        }
    }

    /** The newest {@code limit} values of list {@code key}, newest first. */
    static List<byte[]> newest(MVMap<String, byte[]> map, String key, int limit) {
        List<byte[]> out = new ArrayList<>();
        String prefix = key + SEP;
        String last = map.lowerKey(key + '\u0001');
        if (last == null || !last.startsWith(prefix)) {
            return out;
        }
        for (Iterator<String> it = map.keyIteratorReverse(last); it.hasNext() && out.size() < limit; ) {
            String k = it.next();
            if (!k.startsWith(prefix)) {
                break;
            }
            out.add(map.get(k));
        }
        return out;
    }
}
