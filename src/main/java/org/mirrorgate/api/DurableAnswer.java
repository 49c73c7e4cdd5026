package org.mirrorgate.api;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Answers an admin change only once it is durable. When the store did not take it, the change
 * stays in effect (it was applied in memory first, and the write-behind keeps retrying it) and the
 * call fails with UNAVAILABLE saying so.
 *
 * <p>Why keep rather than undo it: an operator disables a mirror because it serves bad files, at
 * the moment the store (a Redis, a full disk) may be in trouble too; undoing it would keep sending
 * clients to that mirror. UNAVAILABLE is the canonical "retry" status, and the call is idempotent
 * (it sets a value), so repeating it until it answers OK is safe and confirms durability.
 */
final class DurableAnswer {

    private DurableAnswer() {}

    /**
     * Runs {@code answer} once {@code persisted} completes, or fails {@code response} with
     * UNAVAILABLE naming {@code change} and the store's reason.
     */
    static void after(CompletableFuture<Void> persisted, String change, StreamObserver<?> response, Runnable answer) {
        persisted.whenComplete((ok, e) -> {
            if (e == null) {
                answer.run();
                return;
            }
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            response.onError(Status.UNAVAILABLE.withDescription(change + ": applied and in effect, but not yet"
                    + " durable: " + cause.getMessage() + ". It is written when the store takes it, and lost if"
                    + " mirrorgate restarts before; repeat the call until it answers OK").asRuntimeException());
        });
    }
}
