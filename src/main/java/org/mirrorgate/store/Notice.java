package org.mirrorgate.store;

import java.nio.charset.StandardCharsets;

/**
 * A change notice between replicas: which item changed, written by whom. It carries no data: the
 * receiver reads the item from the store (so the last write wins everywhere, whatever order
 * notices arrive in) and skips it when it already holds that generation.
 *
 * @param origin the replica that wrote the change (a replica ignores its own notices)
 * @param kind what changed
 * @param mirror the mirror concerned, or "" for {@link Kind#FILES} and {@link Kind#MIRRORS}
 */
record Notice(String origin, Kind kind, String mirror) {

    enum Kind { FILES, MIRRORS, STATE, AVAILABILITY }

    byte[] encode() {
        return (origin + ' ' + kind.name() + ' ' + mirror).getBytes(StandardCharsets.UTF_8);
    }

    /** The notice in {@code message}, or null when it is not one (ignored, never fatal). */
    static Notice decode(byte[] message) {
        String[] parts = new String(message, StandardCharsets.UTF_8).split(" ", 3);
        if (parts.length != 3) {
            return null;
        }
        try {
            return new Notice(parts[0], Kind.valueOf(parts[1]), parts[2]);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
