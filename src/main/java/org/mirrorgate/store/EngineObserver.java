package org.mirrorgate.store;

/**
 * Told of every engine call the store makes, once it returned or failed: how the store's latency
 * and failures reach the metrics without the store knowing Prometheus. Called on the store's own
 * threads, never on the request path; implementations only record.
 */
@FunctionalInterface
public interface EngineObserver {

    /** Records nothing: for tools and tests that need no metrics. */
    EngineObserver NONE = (operation, nanos, failed) -> { };

    /**
     * @param nanos wall time of the call
     * @param failed the call threw (the store unreachable, a write not acknowledged)
     */
    void completed(StoreOperation operation, long nanos, boolean failed);
}
