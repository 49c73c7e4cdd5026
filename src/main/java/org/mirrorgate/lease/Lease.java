package org.mirrorgate.lease;

/**
 * The right to do one piece of shared work (scan a mirror, walk the local tree) for a while, held
 * by one replica at a time. Renewed in the background while held; released by {@link #close()}.
 * If the holder dies, the lease expires and another replica can take the work over.
 *
 * <p>Check {@link #isHeld()} before publishing the work's result: a replica cut off from the store
 * cannot renew, and after the lease time it must assume another replica took over.
 */
public final class Lease implements AutoCloseable {

    private final String name;
    private final Leases owner;
    private volatile long validUntilNanos;
    private volatile boolean gone;

    Lease(String name, Leases owner, long validUntilNanos) {
        this.name = name;
        this.owner = owner;
        this.validUntilNanos = validUntilNanos;
    }

    /** What the lease is for, e.g. {@code scan:debian.example.org} or {@code walk}. */
    public String name() {
        return name;
    }

    /** True while the lease is certainly this replica's: renewed in time and not given up. */
    public boolean isHeld() {
        return !gone && System.nanoTime() - validUntilNanos < 0;
    }

    /** Gives the lease up (idempotent). */
    @Override
    public void close() {
        if (!gone) {
            gone = true;
            owner.release(this);
        }
    }

    void renewed(long validUntil) {
        this.validUntilNanos = validUntil;
    }

    /** Another replica has it now, or it expired: the work must stop. */
    void lost() {
        gone = true;
    }

    @Override
    public String toString() {
        return "Lease[" + name + (isHeld() ? ", held]" : ", lost]");
    }
}
