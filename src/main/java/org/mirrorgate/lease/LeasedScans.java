package org.mirrorgate.lease;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.mirrorgate.lease.ScanLease;

/**
 * The scanners' {@link ScanLease} on the shared {@link Leases} ({@code scan:<mirror>}): one
 * replica at a time scans a mirror, across every replica sharing the store, and a replica that
 * dies mid-scan loses the lease after {@code lease-time}. Renewed in the background while held.
 */
public final class LeasedScans implements ScanLease {

    private final Leases leases;
    private final Map<String, Lease> held = new ConcurrentHashMap<>();

    public LeasedScans(Leases leases) {
        this.leases = leases;
    }

    @Override
    public boolean acquire(String mirror) {
        Optional<Lease> lease = leases.tryAcquire("scan:" + mirror);
        lease.ifPresent(l -> held.put(mirror, l));
        return lease.isPresent();
    }

    @Override
    public void release(String mirror) {
        Lease l = held.remove(mirror);
        if (l != null) {
            l.close();
        }
    }
}
