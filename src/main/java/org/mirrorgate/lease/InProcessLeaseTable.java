package org.mirrorgate.lease;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Leases within one process, with the semantics of Redis' {@code SET NX PX} and the compare
 * scripts: the embedded store's single node needs nothing more. Never unavailable.
 */
public final class InProcessLeaseTable implements LeaseBackend {

    private record Held(String owner, long expiresAt) {}

    private final LongSupplier clock;
    @GuardedBy("this")
    private final Map<String, Held> held = new HashMap<>();

    public InProcessLeaseTable(LongSupplier clockMillis) {
        this.clock = clockMillis;
    }

    @Override
    public synchronized boolean lock(String name, String owner, long leaseMillis) {
        if (holder(name) != null) {
            return false;
        }
        held.put(name, new Held(owner, clock.getAsLong() + leaseMillis));
        return true;
    }

    @Override
    public synchronized boolean renew(String name, String owner, long leaseMillis) {
        if (!owner.equals(holder(name))) {
            return false;
        }
        held.put(name, new Held(owner, clock.getAsLong() + leaseMillis));
        return true;
    }

    @Override
    public synchronized boolean unlock(String name, String owner) {
        return owner.equals(holder(name)) && held.remove(name) != null;
    }

    @Override
    public synchronized String holder(String name) {
        Held h = held.get(name);
        return h == null || h.expiresAt <= clock.getAsLong() ? null : h.owner;
    }
}
