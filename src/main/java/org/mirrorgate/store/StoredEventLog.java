package org.mirrorgate.store;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.mirrorgate.mirror.EventLog;
import org.mirrorgate.mirror.InMemoryEventLog;
import org.mirrorgate.mirror.MirrorEvent;

/**
 * Mirror event logs kept in the store, at most {@code perMirror} newest events per mirror (a list
 * trimmed on every write; Mirrorbits' MIRRORLOGS never shrink). {@link #record} only queues the
 * event (bounded; overflow drops the oldest queued and counts it) and the store thread writes the
 * queue in batches. Reads come from the store, plus what is still queued; while the store is down
 * they come from a copy kept in memory.
 */
final class StoredEventLog implements EventLog {

    private final Engine engine;
    private final Keys keys;
    private final int perMirror;
    private final int capacity;
    private final LongSupplier clock;
    private final InMemoryEventLog memory;
    private final LongAdder dropped = new LongAdder();
    @GuardedBy("queue")
    private final Deque<Queued> queue = new ArrayDeque<>();

    private record Queued(String mirror, MirrorEvent event) {}

    StoredEventLog(Engine engine, Keys keys, int perMirror, int capacity, LongSupplier clockMillis) {
        this.engine = engine;
        this.keys = keys;
        this.perMirror = perMirror;
        this.capacity = capacity;
        this.clock = clockMillis;
        this.memory = new InMemoryEventLog(perMirror, clockMillis);
    }

    @Override
    public void record(String mirror, String kind, String message) {
        MirrorEvent e = new MirrorEvent(clock.getAsLong(), kind, message);
        memory.record(mirror, kind, message);
        synchronized (queue) {
            queue.addLast(new Queued(mirror, e));
            while (queue.size() > capacity) {
                queue.removeFirst();
                dropped.increment();
            }
        }
    }

    @Override
    public List<MirrorEvent> recent(String mirror, int limit) {
        List<MirrorEvent> out = new ArrayList<>();
        synchronized (queue) {
            for (Iterator<Queued> it = queue.descendingIterator(); it.hasNext() && out.size() < limit; ) {
                Queued q = it.next();
                if (q.mirror.equals(mirror)) {
                    out.add(q.event);
                }
            }
        }
        try {
            for (byte[] json : engine.newest(keys.events(mirror), limit - out.size())) {
                out.add(MirrorCodec.event(json));
            }
            return out;
        } catch (StoreUnavailableException e) {
            return memory.recent(mirror, limit);
        }
    }

    /** Writes queued events; on failure they stay queued (oldest first) and the error is thrown. */
    void flush() {
        List<Queued> batch;
        synchronized (queue) {
            batch = new ArrayList<>(queue);
            queue.clear();
        }
        if (batch.isEmpty()) {
            return;
        }
        Map<String, List<byte[]>> byMirror = new LinkedHashMap<>();
        batch.forEach(q -> byMirror.computeIfAbsent(q.mirror, m -> new ArrayList<>()).add(MirrorCodec.event(q.event)));
        List<String> done = new ArrayList<>();
        try {
            for (Map.Entry<String, List<byte[]>> e : byMirror.entrySet()) {
                engine.push(keys.events(e.getKey()), e.getValue(), perMirror);
                done.add(e.getKey());
            }
        } finally {
            if (done.size() < byMirror.size()) {
                synchronized (queue) {
                    for (int i = batch.size() - 1; i >= 0; i--) {
                        if (!done.contains(batch.get(i).mirror)) {
                            queue.addFirst(batch.get(i));
                        }
                    }
                    while (queue.size() > capacity) {
                        queue.removeFirst();
                        dropped.increment();
                    }
                }
            }
        }
    }

    /** Events dropped because the queue was full while the store was down. */
    long dropped() {
        return dropped.sum();
    }

    int queued() {
        synchronized (queue) {
            return queue.size();
        }
    }
}
