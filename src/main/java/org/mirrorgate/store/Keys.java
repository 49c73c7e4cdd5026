package org.mirrorgate.store;

/**
 * Every key and channel name the store uses, under one prefix (default {@code mg:}), so several
 * mirrorgate networks can share a Redis (Mirrorbits #73) and an operator can read the layout here.
 *
 * <p>No key needs a Cluster hash tag: the store never runs a command on two keys, so each key may
 * live on any node.
 */
public final class Keys {

    private final String prefix;

    Keys(String prefix) {
        this.prefix = prefix;
    }

    String prefix() {
        return prefix;
    }

    /** String: the data layout version, see {@link FormatVersion}. */
    String format() {
        return prefix + "format";
    }

    /** String: a random id written when the store is initialised; a new one means the data was wiped. */
    String storeId() {
        return prefix + "store-id";
    }

    /** String: manifest of the local file table; segments hang below it. */
    String files() {
        return prefix + "files";
    }

    /** String: manifest of what one mirror holds; segments hang below it. */
    String availability(String mirror) {
        return prefix + "avail:" + mirror;
    }

    /** A segment of a chunked item (files or availability) in one generation. */
    static String segment(String item, int index, long generation) {
        return item + ":" + index + ":" + Long.toHexString(generation);
    }

    /** Hash: segment keys being written -> "millis item"; cleaned if a writer died mid-write. */
    String pending() {
        return prefix + "pending";
    }

    /** Hash: mirror name -> declaration (JSON). */
    String mirrors() {
        return prefix + "mirrors";
    }

    /** Hash: mirror name -> runtime state (JSON). */
    String states() {
        return prefix + "states";
    }

    /** List: a mirror's newest events (JSON), bounded. */
    String events(String mirror) {
        return prefix + "events:" + mirror;
    }

    /** String with a TTL: a lease ({@code scan:<mirror>}, {@code walk}, {@code format}). */
    public String lease(String name) {
        return prefix + "lease:" + name;
    }

    /** Hash: replica id -> epoch millis until which it counts as alive. */
    String replicas() {
        return prefix + "replicas";
    }

    /** Hash: replica id -> its recent load per mirror ({@link StoreLoadBoard}). */
    String load() {
        return prefix + "load";
    }

    /** Hash of counters: one statistics dimension and period, e.g. {@code stats:mirror:d:2025-06-01}. */
    String stats(String name) {
        return prefix + "stats:" + name;
    }

    /** Pub/sub channel of change notices between replicas. */
    String changes() {
        return prefix + "changes";
    }
}
