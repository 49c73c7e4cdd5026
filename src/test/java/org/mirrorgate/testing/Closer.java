package org.mirrorgate.testing;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Closes what a test started (servers, monitors), last started first. Use as a JUnit
 * {@code @AutoClose} field.
 */
@SuppressWarnings("try") // close() passes on whatever the things it closes throw, InterruptedException too
public final class Closer implements AutoCloseable {

    private final Deque<AutoCloseable> open = new ArrayDeque<>();

    /** Registers {@code c} and returns it. */
    public <T extends AutoCloseable> T add(T c) {
        open.push(c);
        return c;
    }

    @Override
    public void close() throws Exception {
        Exception first = null;
        while (!open.isEmpty()) {
            try {
                open.pop().close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
