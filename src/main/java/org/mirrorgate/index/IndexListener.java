package org.mirrorgate.index;

/**
 * Told of every publication, on the publishing thread, after readers can see it. Used to persist
 * state and to notify other replicas; must not block for long (hand work to a queue).
 */
@FunctionalInterface
public interface IndexListener {
    void published(IndexSnapshot previous, IndexSnapshot next);
}
