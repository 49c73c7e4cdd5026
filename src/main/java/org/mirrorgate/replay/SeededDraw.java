package org.mirrorgate.replay;

import java.util.random.RandomGenerator;

/**
 * The random draws of one replayed request, the same for both configs: seeded from the request
 * before each side decides it, so a near group both configs share draws the same mirror under both,
 * and a request counts as moved only when the configs make it move. SplitMix64: a few operations a
 * draw, and reseeding costs one write (java.util.Random's is an atomic one).
 */
final class SeededDraw implements RandomGenerator {

    private long state;

    void seed(long seed) {
        state = seed;
    }

    @Override
    public long nextLong() {
        long z = state += 0x9e3779b97f4a7c15L;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
