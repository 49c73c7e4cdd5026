package org.mirrorgate.mirror;

import java.util.List;

/**
 * Per-mirror event logs, bounded per mirror (oldest entries dropped). Implementations: {@link
 * InMemoryEventLog} and the persistent store's.
 */
public interface EventLog {

    /** Appends an event now; never blocks on I/O (persistent implementations buffer). */
    void record(String mirror, String kind, String message);

    /** The newest events of {@code mirror}, newest first, at most {@code limit}. */
    List<MirrorEvent> recent(String mirror, int limit);
}
