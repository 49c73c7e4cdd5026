package org.mirrorgate.api;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.mirrorgate.api.v1.ScanProgress;
import org.mirrorgate.scan.monitor.MirrorMonitor;
import org.mirrorgate.scan.monitor.ScanProgressUpdate;
import org.mirrorgate.scan.monitor.ScanRejectedException;

/**
 * ScanMirror: runs a manual scan off the transport threads (a scan takes seconds to minutes) and
 * streams its progress. At most 4 manual scans run at once, 8 more may wait; beyond that the call
 * is refused with RESOURCE_EXHAUSTED instead of queueing without bound.
 */
final class ScanRpc {

    private final MirrorMonitor monitor;
    private final ExecutorService executor = new ThreadPoolExecutor(0, 4, 60, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(8), r -> {
                Thread t = new Thread(r, "mirrorgate-manual-scan");
                t.setDaemon(true);
                return t;
            });

    ScanRpc(MirrorMonitor monitor) {
        this.monitor = monitor;
    }

    void scan(String mirror, StreamObserver<ScanProgress> response) {
        ServerCallStreamObserver<ScanProgress> out = (ServerCallStreamObserver<ScanProgress>) response;
        try {
            executor.execute(() -> run(mirror, out));
        } catch (RejectedExecutionException e) {
            out.onError(Status.RESOURCE_EXHAUSTED.withDescription("too many manual scans running; try again later")
                    .asRuntimeException());
        }
    }

    private void run(String mirror, ServerCallStreamObserver<ScanProgress> out) {
        try {
            monitor.scanNow(mirror, update -> send(out, update));
            synchronized (out) {
                if (!out.isCancelled()) {
                    out.onCompleted();
                }
            }
        } catch (ScanRejectedException e) {
            Status status = switch (e.kind()) {
                case UNKNOWN_MIRROR -> Status.NOT_FOUND;
                case NOT_SCANNABLE -> Status.FAILED_PRECONDITION;
                case ALREADY_RUNNING -> Status.ABORTED;
            };
            synchronized (out) {
                out.onError(status.withDescription(e.getMessage()).asRuntimeException());
            }
        }
    }

    /** Progress comes from scanner threads; the stream must see one message at a time. */
    private static void send(ServerCallStreamObserver<ScanProgress> out, ScanProgressUpdate u) {
        synchronized (out) {
            if (!out.isCancelled()) {
                out.onNext(ScanProgress.newBuilder().setEntries(u.entries()).setDone(u.done()).setSummary(u.summary())
                        .setSuccess(u.success()).setMatching(u.matching()).setOutdated(u.outdated())
                        .setMissing(u.missing()).build());
            }
        }
    }

    void shutdown() {
        executor.shutdownNow();
    }
}
