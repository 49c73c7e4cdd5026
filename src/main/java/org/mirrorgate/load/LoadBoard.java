package org.mirrorgate.load;

import java.util.Map;

/**
 * Where the replicas exchange the load their redirects put on each mirror. With one replica (the
 * embedded store) it is {@link #LOCAL}; with Redis, one hash field per replica
 * ({@code store.StoreLoadBoard}).
 */
public interface LoadBoard {

    /** One replica: its own load is all the load. */
    LoadBoard LOCAL = own -> new Totals(own, 1);

    /**
     * @param loadMbps per mirror, Mbit/s summed over the replicas whose figures are fresh
     * @param replicas how many replicas' figures went into it (this one included)
     */
    record Totals(Map<String, Double> loadMbps, int replicas) {
        public Totals {
            loadMbps = Map.copyOf(loadMbps);
        }
    }

    /**
     * Publishes this replica's recent load per mirror (Mbit/s) and returns the sum over every
     * replica's latest fresh figures, this one's included.
     *
     * @throws RuntimeException when the store cannot be reached; the caller keeps going on its own figures
     */
    Totals exchange(Map<String, Double> ownMbps);
}
