package org.mirrorgate.mirror;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/** Event logs kept in memory, at most {@code capacity} events per mirror. Thread-safe. */
public final class InMemoryEventLog implements EventLog {

    private final int capacity;
    private final LongSupplier clock;
    private final Map<String, Deque<MirrorEvent>> logs = new ConcurrentHashMap<>();

    public InMemoryEventLog(int capacity, LongSupplier clockMillis) {
        this.capacity = capacity;
        this.clock = clockMillis;
    }

    @Override
    public void record(String mirror, String kind, String message) {
        Deque<MirrorEvent> log = logs.computeIfAbsent(mirror, m -> new ArrayDeque<>());
        synchronized (log) {
            log.addFirst(new MirrorEvent(clock.getAsLong(), kind, message));
            while (log.size() > capacity) {
                log.removeLast();
            }
        }
    }

    @Override
    public List<MirrorEvent> recent(String mirror, int limit) {
        Deque<MirrorEvent> log = logs.get(mirror);
        List<MirrorEvent> out = new ArrayList<>();
        if (log == null) {
            return out;
        }
        synchronized (log) {
            for (Iterator<MirrorEvent> it = log.iterator(); it.hasNext() && out.size() < limit; ) {
                out.add(it.next());
            }
        }
        return out;
    }
}
