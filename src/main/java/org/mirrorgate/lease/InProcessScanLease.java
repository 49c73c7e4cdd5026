package org.mirrorgate.lease;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link ScanLease} for one process: a concurrent set of the mirrors being scanned. */
public final class InProcessScanLease implements ScanLease {

    private final Set<String> held = ConcurrentHashMap.newKeySet();

    @Override
    public boolean acquire(String mirror) {
        return held.add(mirror);
    }

    @Override
    public void release(String mirror) {
        held.remove(mirror);
    }
}
