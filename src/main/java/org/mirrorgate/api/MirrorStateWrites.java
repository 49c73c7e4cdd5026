package org.mirrorgate.api;

import java.util.concurrent.CompletableFuture;

/**
 * Makes an admin change to a mirror's runtime state durable before its RPC answers OK: the store
 * writes it at once instead of write-behind ({@code StateStore.persistMirrorState}).
 */
@FunctionalInterface
public interface MirrorStateWrites {

    /** Changes stay in memory only (an index without a store: tests). */
    MirrorStateWrites IN_MEMORY = mirror -> CompletableFuture.completedFuture(null);

    /**
     * Completes once the store holds {@code mirror}'s current state; fails, with the reason as the
     * exception's message, when it does not. Must not block: it is called on a transport thread.
     */
    CompletableFuture<Void> persist(String mirror);
}
