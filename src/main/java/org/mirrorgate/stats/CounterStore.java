package org.mirrorgate.stats;

import java.util.List;

/**
 * Where download counters live: hashes of integer fields, each hash optionally expiring. The store
 * package implements it on the embedded engine or Redis; tests use an in-memory one.
 */
public interface CounterStore {

    /**
     * Adds to counters, in bounded batches.
     *
     * @throws RuntimeException when the store cannot be reached (the caller keeps the deltas)
     */
    void add(List<Delta> deltas);

    /** One field of each hash, 0 when absent, in order. */
    List<Long> get(List<String> keys, String field);

    /** Every field of one hash, streamed in bounded steps. */
    void scan(String key, FieldVisitor visitor);

    /**
     * @param expireAtMillis epoch millis when the whole hash {@code key} expires; 0 = never
     */
    record Delta(String key, String field, long amount, long expireAtMillis) {}

    @FunctionalInterface
    interface FieldVisitor {
        void visit(String field, long value);
    }
}
