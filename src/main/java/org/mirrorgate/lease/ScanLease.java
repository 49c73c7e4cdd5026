package org.mirrorgate.lease;


/**
 * Makes sure one replica at a time scans a given mirror. The in-process {@link InProcessScanLease}
 * suffices for a single replica; the Redis store provides one that spans replicas (a lease with a
 * TTL, renewed while held).
 */
public interface ScanLease {

    /**
     * Takes the lease on {@code mirror} if nobody holds it.
     *
     * @return true when taken; the caller must then {@link #release} it
     */
    boolean acquire(String mirror);

    /** Gives the lease back; a no-op when not held. */
    void release(String mirror);
}
