package org.mirrorgate.store;

import java.util.Locale;

/**
 * The kinds of engine call the store's latency is measured by: a fixed, small set (a metrics
 * label), grouping {@link Engine}'s methods by what they cost.
 */
public enum StoreOperation {
    /** get, getAll, hashGet, hashGetAll, counters, newest: the restore, resyncs and stats queries. */
    READ,
    /** put, putAll, swap, delete, hashPut, hashDelete, push outside a write group: each one committed. */
    WRITE,
    /** increment: the download counters' flush. */
    INCREMENT,
    /** scanCounters: a statistics query walking a day's per-file counters. */
    SCAN,
    /** lock, renew, unlock, lockHolder: the scan, walk and other leases. */
    LEASE,
    /** publish: a notice to the other replicas. */
    PUBLISH,
    /** writeGroup: a whole group of writes and its one commit (the write-behind, the stats flush). */
    WRITE_GROUP;

    /** The metrics label: the name in lower case. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
