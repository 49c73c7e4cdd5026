package org.mirrorgate.lease;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leases on shared work, one holder at a time across replicas: {@code SET key owner NX PX lease}
 * to take, a compare-and-expire script to renew (every third of the lease), compare-and-delete to
 * release. On the embedded store the same calls work within the one process.
 *
 * <p>Use: {@code try (Lease l = leases.tryAcquire("scan:" + mirror).orElse(null)) { if (l == null)
 * return; ... if (!l.isHeld()) abort; publish }}.
 */
public final class Leases implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Leases.class);

    private final LeaseBackend backend;
    private final String owner;
    private final long leaseMillis;
    private final Set<Lease> held = ConcurrentHashMap.newKeySet();
    private final ScheduledFuture<?> renewal;

    /**
     * @param owner this replica's id, written in the leases it holds
     * @param lease how long a lease lasts unrenewed; renewed every third of it on {@code timer}
     */
    public Leases(LeaseBackend backend, String owner, Duration lease, ScheduledExecutorService timer) {
        this.backend = backend;
        this.owner = owner;
        this.leaseMillis = lease.toMillis();
        long every = Math.max(1, leaseMillis / 3);
        this.renewal = timer.scheduleWithFixedDelay(this::renewAll, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Takes the lease called {@code name} if no replica holds it.
     *
     * @return the lease, or empty when another replica holds it or the backend cannot be reached
     */
    public Optional<Lease> tryAcquire(String name) {
        long start = System.nanoTime();
        try {
            if (!backend.lock(name, owner, leaseMillis)) {
                return Optional.empty();
            }
        } catch (LeaseBackendUnavailableException e) {
            log.debug("lease {}: backend unavailable: {}", name, e.getMessage());
            return Optional.empty();
        }
        Lease l = new Lease(name, this, start + TimeUnit.MILLISECONDS.toNanos(leaseMillis));
        held.add(l);
        return Optional.of(l);
    }

    /** The replica holding {@code name} now, or null (also when the backend cannot be reached). */
    public String holder(String name) {
        try {
            return backend.holder(name);
        } catch (LeaseBackendUnavailableException e) {
            return null;
        }
    }

    /** This replica's id, as written in the leases it holds. */
    public String owner() {
        return owner;
    }

    void release(Lease lease) {
        held.remove(lease);
        try {
            backend.unlock(lease.name(), owner);
        } catch (LeaseBackendUnavailableException e) {
            log.debug("lease {}: not released, it will expire: {}", lease.name(), e.getMessage());
        }
    }

    private void renewAll() {
        for (Lease l : held) {
            long start = System.nanoTime();
            try {
                if (backend.renew(l.name(), owner, leaseMillis)) {
                    l.renewed(start + TimeUnit.MILLISECONDS.toNanos(leaseMillis));
                } else {
                    log.warn("lease {} lost: it expired or another replica holds it", l.name());
                    l.lost();
                    held.remove(l);
                }
            } catch (LeaseBackendUnavailableException e) {
                log.debug("lease {}: renewal failed, still valid until it expires: {}", l.name(), e.getMessage());
            } catch (RuntimeException e) {
                log.warn("lease {}: renewal failed: {}", l.name(), e.toString());
            }
        }
    }

    /** Releases every lease this replica holds. */
    @Override
    public void close() {
        renewal.cancel(false);
        held.forEach(Lease::close);
    }
}
