package org.mirrorgate.server;

import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.mirrorgate.scan.local.LocalTreeScanner;
import org.mirrorgate.store.Lease;
import org.mirrorgate.store.Leases;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the local tree walker on exactly one replica. File ids are assigned by the walker and held
 * in every mirror bitmap, so two replicas walking at once would number the same files differently;
 * the replica holding the shared {@code walk} lease walks and publishes, the others receive its
 * table through the store. A replica that loses the lease (cut off from Redis past the lease time)
 * stops walking; whichever replica takes the lease over starts.
 */
final class LocalWalkGate implements Services.Lifecycle {

    private static final Logger log = LoggerFactory.getLogger(LocalWalkGate.class);

    private final Leases leases;
    private final Supplier<LocalTreeScanner> scanners;
    private final long checkMillis;
    private ScheduledExecutorService ticker;
    private Lease lease;
    private LocalTreeScanner scanner;
    private final AtomicInteger checks = new AtomicInteger();

    /** @param checkMillis how often to try for the lease, and to check it is still held */
    LocalWalkGate(Leases leases, Supplier<LocalTreeScanner> scanners, long checkMillis) {
        this.leases = leases;
        this.scanners = scanners;
        this.checkMillis = checkMillis;
    }

    @Override
    public synchronized void start() {
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mirrorgate-walk-lease");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleWithFixedDelay(this::check, 0, checkMillis, TimeUnit.MILLISECONDS);
    }

    /** Lease checks made so far (tests wait on it instead of sleeping). */
    int checks() {
        return checks.get();
    }

    private synchronized void check() {
        checks.incrementAndGet();
        try {
            if (lease != null && !lease.isHeld()) {
                log.warn("local walk: lease lost (store unreachable past the lease time); another replica may walk now");
                stopScanner();
            }
            if (lease == null) {
                Optional<Lease> got = leases.tryAcquire("walk");
                if (got.isPresent()) {
                    lease = got.get();
                    scanner = scanners.get();
                    scanner.start();
                    log.info("local walk: this replica ({}) walks the repository", leases.owner());
                }
            }
        } catch (RuntimeException e) {
            log.warn("local walk: lease check failed: {}", e.toString());
        }
    }

    private void stopScanner() {
        if (scanner != null) {
            scanner.stop();
            scanner = null;
        }
        if (lease != null) {
            lease.close();
            lease = null;
        }
    }

    @Override
    public synchronized void stop() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
        stopScanner();
    }
}
