package org.mirrorgate.scan.monitor;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.scan.ScanSettings;

/**
 * When each mirror is next scanned, probed and trace-polled. Pure bookkeeping over the monitor's
 * clock (no threads), so the rules are tested by moving a fake clock:
 *
 * <ul>
 *   <li>a mirror never scanned is scanned within {@code jitter} of being seen; one restored with a
 *       last scan time is scanned {@code interval} after it; each next scan comes {@code interval}
 *       plus a random 0..jitter after the previous one ended, success or not;
 *   <li>probes and trace polls start within {@code min(jitter, their interval)} and repeat every
 *       interval;
 *   <li>a running task is never started twice; a rescan asked for while one runs follows it;
 *   <li>a mirror enabled again after a long pause (longer than {@code rescan-after-down}) is
 *       scanned at once.
 * </ul>
 */
final class MonitorSchedule {

    enum Task { SCAN, PROBE, TRACE }

    private static final long RUNNING = Long.MAX_VALUE;

    private final ScanSettings settings;

    @GuardedBy("this")
    private final Map<String, Timing> timings = new HashMap<>();

    private static final class Timing {
        final long[] next = new long[Task.values().length];
        boolean enabled;
        long disabledSince;
        /** Per task: asked for while it ran, so due again as soon as it ends. */
        final boolean[] again = new boolean[Task.values().length];
    }

    MonitorSchedule(ScanSettings settings) {
        this.settings = settings;
    }

    /** Takes in mirrors added to or removed from the index, and enable switches. */
    synchronized void sync(IndexSnapshot snap, long now) {
        Map<String, Timing> seen = new HashMap<>();
        for (int i = 0; i < snap.mirrorCount(); i++) {
            String name = snap.spec(i).name();
            Timing t = timings.get(name);
            boolean enabled = snap.state(i).enabled();
            if (t == null) {
                t = new Timing();
                long last = snap.state(i).lastScanMillis();
                t.next[Task.SCAN.ordinal()] = (last > 0 ? Math.max(now, last + settings.interval().toMillis()) : now)
                        + jitter(settings.jitter().toMillis());
                t.next[Task.PROBE.ordinal()] = now + jitter(Math.min(settings.jitter().toMillis(),
                        settings.probe().interval().toMillis()));
                t.next[Task.TRACE.ordinal()] = now + jitter(Math.min(settings.jitter().toMillis(),
                        settings.trace().interval().toMillis()));
                t.enabled = enabled;
                t.disabledSince = enabled ? 0 : now;
            } else if (enabled != t.enabled) {
                if (enabled && now - t.disabledSince > settings.probe().rescanAfterDown().toMillis()) {
                    soon(t, Task.SCAN, now);
                }
                t.enabled = enabled;
                t.disabledSince = enabled ? 0 : now;
            }
            seen.put(name, t);
        }
        timings.keySet().retainAll(seen.keySet());
        timings.putAll(seen);
    }

    /** Enabled mirrors whose {@code task} is due, the longest overdue first. */
    synchronized List<String> due(Task task, long now) {
        List<Map.Entry<String, Timing>> out = new ArrayList<>();
        for (Map.Entry<String, Timing> e : timings.entrySet()) {
            long next = e.getValue().next[task.ordinal()];
            if (e.getValue().enabled && next != RUNNING && next <= now) {
                out.add(e);
            }
        }
        out.sort(Comparator.comparingLong(e -> e.getValue().next[task.ordinal()]));
        return out.stream().map(Map.Entry::getKey).toList();
    }

    /** Marks {@code task} of {@code mirror} running; false when it already runs (or is unknown). */
    synchronized boolean start(Task task, String mirror) {
        Timing t = timings.get(mirror);
        if (t == null || t.next[task.ordinal()] == RUNNING) {
            return false;
        }
        t.next[task.ordinal()] = RUNNING;
        return true;
    }

    /** {@code task} of {@code mirror} ended (or was skipped): the next one is due an interval later. */
    synchronized void ended(Task task, String mirror, long now, long intervalMillis) {
        Timing t = timings.get(mirror);
        if (t == null) {
            return;
        }
        long next = now + intervalMillis + (task == Task.SCAN ? jitter(settings.jitter().toMillis()) : 0);
        if (t.again[task.ordinal()]) {
            t.again[task.ordinal()] = false;
            next = now;
        }
        t.next[task.ordinal()] = next;
    }

    /** Asks for a scan of {@code mirror} as soon as a slot is free (after the running one, if any). */
    synchronized void scanSoon(String mirror, long now) {
        soon(Task.SCAN, mirror, now);
    }

    /**
     * Makes a probe or trace poll of {@code mirror} due at {@code at} (or sooner if it already is);
     * one running now is started again when it ends, as it may have begun before what prompted this.
     */
    synchronized void soon(Task task, String mirror, long at) {
        Timing t = timings.get(mirror);
        if (t != null) {
            soon(t, task, at);
        }
    }

    /** When {@code task} of {@code mirror} is next due; RUNNING while it runs; -1 when unknown. */
    synchronized long next(Task task, String mirror) {
        Timing t = timings.get(mirror);
        return t == null ? -1 : t.next[task.ordinal()];
    }

    static boolean isRunning(long next) {
        return next == RUNNING;
    }

    /** Due at {@code at} (or sooner if it already is); if running, due again as soon as it ends. */
    private static void soon(Timing t, Task task, long at) {
        if (t.next[task.ordinal()] == RUNNING) {
            t.again[task.ordinal()] = true;
        } else {
            t.next[task.ordinal()] = Math.min(t.next[task.ordinal()], at);
        }
    }

    private static long jitter(long maxMillis) {
        return maxMillis <= 0 ? 0 : ThreadLocalRandom.current().nextLong(maxMillis + 1);
    }
}
