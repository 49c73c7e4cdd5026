package org.mirrorgate.store;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.mirrorgate.mirror.EventLog;
import org.mirrorgate.mirror.MirrorEvent;

/**
 * Mirror event logs kept in the store, at most {@code perMirror} newest events per mirror (a list
 * trimmed on every write; Mirrorbits' MIRRORLOGS never shrink). {@link #record} only queues the
 * event (bounded; overflow drops the oldest queued and counts it) and the store thread writes the
 * queue in batches. Reads come from the store, plus what is still queued; while the store is down
 * they come from a copy kept in memory.
 *
 * <p>The copy holds, per mirror, the newest events this replica recorded or found in the store at
 * its restore ({@link #seed}), merged by time. It is what {@link #rewrite} writes back into a store
 * that lost its data: each event was recorded by one replica, so together the live replicas still
 * hold every event of the logs' bounded windows, bar those of replicas that died since.
 */
final class StoredEventLog implements EventLog {

    private final Engine engine;
    private final Keys keys;
    private final int perMirror;
    private final int capacity;
    private final LongSupplier clock;
    /** Newest first, at most {@code perMirror}; each deque is its own lock. */
    private final Map<String, Deque<MirrorEvent>> memory = new ConcurrentHashMap<>();
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
    }

    @Override
    public void record(String mirror, String kind, String message) {
        MirrorEvent e = new MirrorEvent(clock.getAsLong(), kind, message);
        remember(mirror, List.of(e));
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
            List<MirrorEvent> copy = remembered(mirror);
            return copy.subList(0, Math.min(limit, copy.size()));
        }
    }

    /**
     * Copies the stored logs of {@code mirrors} into memory (after a restore), so a store that loses
     * its data later gets them back from this replica too.
     */
    void seed(Collection<String> mirrors) {
        for (String m : mirrors) {
            remember(m, decode(engine.newest(keys.events(m), perMirror)));
        }
    }

    /**
     * Writes the events kept in memory back into the store's logs, merged by time with what the
     * store holds now (events recorded since it came back, or written back by another replica): for
     * a store that lost its data. Queued events are written first, so none is written twice. Run it
     * where {@link #flush} runs, and on one replica at a time (the caller holds a lease): the
     * merge reads a log, then replaces it.
     *
     * @return the logs rewritten
     */
    int rewrite() {
        flush();
        int rewritten = 0;
        for (String mirror : List.copyOf(memory.keySet())) {
            String key = keys.events(mirror);
            List<MirrorEvent> stored = decode(engine.newest(key, perMirror));
            List<MirrorEvent> merged = merge(stored, remembered(mirror));
            if (!merged.equals(stored)) {
                List<byte[]> oldestFirst = new ArrayList<>();
                for (int i = merged.size() - 1; i >= 0; i--) {
                    oldestFirst.add(MirrorCodec.event(merged.get(i)));
                }
                engine.delete(List.of(key));
                engine.push(key, oldestFirst, perMirror);
                rewritten++;
            }
        }
        return rewritten;
    }

    /** Both lists newest first; the union (equal events once), newest first, at most perMirror. */
    private List<MirrorEvent> merge(List<MirrorEvent> a, List<MirrorEvent> b) {
        LinkedHashSet<MirrorEvent> union = new LinkedHashSet<>(a);
        union.addAll(b);
        List<MirrorEvent> out = new ArrayList<>(union);
        out.sort(Comparator.comparingLong(MirrorEvent::timeMillis).reversed()); // stable: ties keep their order
        return out.size() > perMirror ? List.copyOf(out.subList(0, perMirror)) : out;
    }

    /** Merges {@code events} (newest first) into the memory copy of {@code mirror}'s log. */
    private void remember(String mirror, List<MirrorEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        Deque<MirrorEvent> log = memory.computeIfAbsent(mirror, m -> new ArrayDeque<>());
        synchronized (log) {
            if (events.size() == 1 && (log.isEmpty() || log.peekFirst().timeMillis() <= events.get(0).timeMillis())) {
                log.addFirst(events.get(0)); // the common case: one new event
                while (log.size() > perMirror) {
                    log.removeLast();
                }
            } else {
                List<MirrorEvent> merged = merge(new ArrayList<>(log), events);
                log.clear();
                log.addAll(merged);
            }
        }
    }

    private List<MirrorEvent> remembered(String mirror) {
        Deque<MirrorEvent> log = memory.get(mirror);
        if (log == null) {
            return new ArrayList<>();
        }
        synchronized (log) {
            return new ArrayList<>(log);
        }
    }

    private static List<MirrorEvent> decode(List<byte[]> json) {
        List<MirrorEvent> out = new ArrayList<>(json.size());
        json.forEach(j -> out.add(MirrorCodec.event(j)));
        return out;
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
