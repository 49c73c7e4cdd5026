package org.mirrorgate.store;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Leases within one process, with the semantics of Redis' {@code SET NX PX} and the compare
 * scripts: the embedded store's single node needs nothing more.
 */
final class LocalLeases {

    private record Held(String owner, long expiresAt) {}

    private final LongSupplier clock;
    @GuardedBy("this")
    private final Map<String, Held> held = new HashMap<>();

    LocalLeases(LongSupplier clockMillis) {
        this.clock = clockMillis;
    }

    synchronized boolean lock(String key, String owner, long leaseMillis) {
        if (holder(key) != null) {
            return false;
        }
        held.put(key, new Held(owner, clock.getAsLong() + leaseMillis));
        return true;
    }

    synchronized boolean renew(String key, String owner, long leaseMillis) {
        if (!owner.equals(holder(key))) {
            return false;
        }
        held.put(key, new Held(owner, clock.getAsLong() + leaseMillis));
        return true;
    }

    synchronized boolean unlock(String key, String owner) {
        return owner.equals(holder(key)) && held.remove(key) != null;
    }

    /** The owner of an unexpired lease on {@code key}, or null. */
    synchronized String holder(String key) {
        Held h = held.get(key);
        return h == null || h.expiresAt <= clock.getAsLong() ? null : h.owner;
    }
}
