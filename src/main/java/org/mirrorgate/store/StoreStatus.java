package org.mirrorgate.store;

/**
 * The store as seen from this replica, for health checks and metrics. None of it is a reason to
 * stop serving: the index in memory answers Resolve whatever the store does.
 *
 * @param store where the data lives (path or URI without password)
 * @param restored the index was restored from the store (false while a store down at start is awaited)
 * @param healthy the last writes reached the store
 * @param statsPendingKeys download counter keys waiting to be written
 * @param statsDropped counter increments dropped because the buffer was full
 * @param eventsQueued mirror events waiting to be written
 * @param eventsDropped mirror events dropped because the queue was full
 * @param lastError the last failure, or ""
 */
public record StoreStatus(
        String store,
        boolean restored,
        boolean healthy,
        long statsPendingKeys,
        long statsDropped,
        long eventsQueued,
        long eventsDropped,
        String lastError) {}
