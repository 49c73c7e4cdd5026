package org.mirrorgate.scan.rsync;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Kills a child process (and its children) that outlives the scan's deadline. */
final class Watchdog {

    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private volatile boolean fired;

    private Watchdog() {}

    static Watchdog start(Process p, long timeoutNanos) {
        Watchdog w = new Watchdog();
        CompletableFuture.anyOf(p.onExit(), w.stopped)
                .orTimeout(timeoutNanos, TimeUnit.NANOSECONDS)
                .whenComplete((v, e) -> {
                    if (e != null && p.isAlive()) {
                        w.fired = true;
                        RsyncLister.kill(p);
                    }
                });
        return w;
    }

    void stop() {
        stopped.complete(null);
    }

    boolean fired() {
        return fired;
    }
}
