package org.mirrorgate.lease;

/**
 * Where leases are kept: Redis for replicas that share it ({@code SET NX PX} and compare scripts),
 * an {@link InProcessLeaseTable} for the embedded store's single process. The store adapts its
 * engine to this; {@link Leases} is what the rest of the service uses.
 *
 * <p>Every method may throw {@link LeaseBackendUnavailableException} when the backend cannot be
 * reached: a lease is then neither taken nor renewed, and an unrenewed lease runs out by itself.
 */
public interface LeaseBackend {

    /** Takes the lease {@code name} for {@code owner} if nobody holds it. */
    boolean lock(String name, String owner, long leaseMillis);

    /** Extends a lease {@code owner} holds; false when it is held by another or expired. */
    boolean renew(String name, String owner, long leaseMillis);

    /** Gives a lease up if {@code owner} holds it. */
    boolean unlock(String name, String owner);

    /** The current holder of a lease, or null. */
    String holder(String name);
}
