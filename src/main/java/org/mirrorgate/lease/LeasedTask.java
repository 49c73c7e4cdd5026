package org.mirrorgate.lease;

import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a piece of background work on exactly one replica: the one holding the named lease. Used for
 * the repository walk: file ids are assigned by the walker and held in every mirror bitmap, so two
 * replicas walking at once would number the same files differently; the replica holding the shared
 * {@code walk} lease walks and publishes, the others receive its table through the store. A replica
 * that loses the lease (cut off from the store past the lease time) stops the work; whichever
 * replica takes the lease over starts its own.
 */
public final class LeasedTask {

    private static final Logger log = LoggerFactory.getLogger(LeasedTask.class);

    private final Leases leases;
    private final String leaseName;
    private final Supplier<Runnable> startWork;
    private final long checkMillis;
    private final AtomicInteger checks = new AtomicInteger();
    private ScheduledExecutorService ticker;
    private Lease lease;
    private Runnable stopWork;

    /**
     * @param startWork starts the work afresh each time this replica takes the lease, and returns
     *     what stops it (called when the lease is lost or the task stops)
     * @param checkMillis how often to try for the lease, and to check it is still held
     */
    public LeasedTask(Leases leases, String leaseName, Supplier<Runnable> startWork, long checkMillis) {
        this.leases = leases;
        this.leaseName = leaseName;
        this.startWork = startWork;
        this.checkMillis = checkMillis;
    }

    public synchronized void start() {
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mirrorgate-lease-" + leaseName);
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleWithFixedDelay(this::check, 0, checkMillis, TimeUnit.MILLISECONDS);
    }

    /** Lease checks made so far (tests wait on it instead of sleeping). */
    public int checks() {
        return checks.get();
    }

    private synchronized void check() {
        checks.incrementAndGet();
        try {
            if (lease != null && !lease.isHeld()) {
                log.warn("{}: lease lost (store unreachable past the lease time); another replica may take it now",
                        leaseName);
                stopWorker();
            }
            if (lease == null) {
                Optional<Lease> got = leases.tryAcquire(leaseName);
                if (got.isPresent()) {
                    lease = got.get();
                    stopWork = startWork.get();
                    log.info("{}: this replica ({}) holds the lease and does the work", leaseName, leases.owner());
                }
            }
        } catch (RuntimeException e) {
            log.warn("{}: lease check failed: {}", leaseName, e.toString());
        }
    }

    private void stopWorker() {
        if (stopWork != null) {
            stopWork.run();
            stopWork = null;
        }
        if (lease != null) {
            lease.close();
            lease = null;
        }
    }

    public synchronized void stop() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
        stopWorker();
    }
}
