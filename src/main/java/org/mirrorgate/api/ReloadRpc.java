package org.mirrorgate.api;

import static java.util.Objects.requireNonNull;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.mirrorgate.api.v1.ReloadResponse;
import org.mirrorgate.mirror.EventLog;
import org.mirrorgate.reload.ConfigReloads;
import org.mirrorgate.reload.ReloadReport;

/**
 * Reload: reads the file off the transport threads (it is disk I/O and parsing), one at a time with
 * 4 more waiting (beyond, RESOURCE_EXHAUSTED); answers once every mirror it changed is durable.
 */
final class ReloadRpc {

    private final ConfigReloads reloads;
    private final EventLog events;
    private final MirrorStateWrites durable;
    private final ExecutorService executor = new ThreadPoolExecutor(0, 1, 60, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(4), r -> {
                Thread t = new Thread(r, "mirrorgate-reload");
                t.setDaemon(true);
                return t;
            });

    ReloadRpc(ConfigReloads reloads, EventLog events, MirrorStateWrites durable) {
        this.reloads = requireNonNull(reloads, "reloads");
        this.events = requireNonNull(events, "events");
        this.durable = requireNonNull(durable, "durable");
    }

    void reload(StreamObserver<ReloadResponse> response) {
        try {
            executor.execute(() -> run(response));
        } catch (RejectedExecutionException e) {
            response.onError(Status.RESOURCE_EXHAUSTED.withDescription("too many reloads waiting; try again later")
                    .asRuntimeException());
        }
    }

    private void run(StreamObserver<ReloadResponse> response) {
        ReloadReport r;
        try {
            r = reloads.reload();
        } catch (RuntimeException e) {
            response.onError(Status.INTERNAL.withDescription("reload failed: " + e).asRuntimeException());
            return;
        }
        if (r.isRefused()) {
            response.onError(Status.FAILED_PRECONDITION.withDescription(r.file() + ": refused, nothing changed: "
                    + r.refusal()).asRuntimeException());
            return;
        }
        for (String line : r.applied()) {
            if (line.startsWith("mirror ")) {
                int colon = line.indexOf(':');
                events.record(line.substring("mirror ".length(), colon), "config", "reload: " + line.substring(colon + 2));
            }
        }
        CompletableFuture<?>[] writes = r.mirrorsChanged().stream().map(durable::persist).toArray(CompletableFuture[]::new);
        DurableAnswer.after(CompletableFuture.allOf(writes), "reload " + r.file(), response, () -> {
            response.onNext(ReloadResponse.newBuilder().setConfigFile(r.file().toString()).addAllApplied(r.applied())
                    .addAllNeedsRestart(r.needsRestart()).setTookMs(r.tookMillis()).build());
            response.onCompleted();
        });
    }

    void shutdown() {
        executor.shutdownNow();
    }
}
