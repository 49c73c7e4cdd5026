package org.mirrorgate.scan;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.util.concurrent.RateLimiter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.function.LongSupplier;

/**
 * Bounds the CPU that reading listings takes, over every scan running at once: each scan thread
 * reports the CPU time it used since its last report and waits when the scans together are ahead
 * of {@code cores} (a Guava {@link RateLimiter} whose permits are CPU microseconds).
 *
 * <p>Why: parsing and comparing a Debian-sized listing is ~1 µs of CPU per entry, and the listers
 * read as fast as the listing arrives; a mirror on the LAN, or a storm of scans of mirrors back to
 * back, kept a whole core busy, and on a small machine the request path (nginx, the hook, Resolve)
 * shares what is left (docs/benchmarks.md, serving under change). A scan is never urgent to the
 * millisecond: at 0.5 cores a 1.6 M-entry listing is read in ~4 s, still faster than a remote
 * rsync server walks its tree. The wait back-pressures the lister (rsync's pipe, the socket), it
 * never drops an entry.
 *
 * <p>Thread-safe. The CPU time is the calling thread's ({@link ThreadMXBean#getCurrentThreadCpuTime}),
 * so time spent waiting on the network is never charged.
 */
public final class IngestPacer {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** No limit: for tests and for {@code ingest-cpu-cores: 0}. */
    public static final IngestPacer UNLIMITED = new IngestPacer(0);

    private final RateLimiter cpuMicros; // null = unlimited
    private final LongSupplier threadCpuNanos;
    private final ThreadLocal<long[]> lastCpuNanos = ThreadLocal.withInitial(() -> new long[] {-1});

    /** @param cores CPU the listings may take together, in cores (0 = unlimited) */
    public IngestPacer(double cores) {
        this(cores, THREADS.isCurrentThreadCpuTimeSupported() ? THREADS::getCurrentThreadCpuTime : null);
    }

    /** @param threadCpuNanos the calling thread's CPU time; null when the JVM cannot tell (no limit then) */
    IngestPacer(double cores, LongSupplier threadCpuNanos) {
        checkArgument(cores >= 0 && cores <= 256, "ingest-cpu-cores: %s (expected: 0 .. 256)", cores);
        this.threadCpuNanos = threadCpuNanos;
        this.cpuMicros = cores == 0 || threadCpuNanos == null ? null : RateLimiter.create(cores * 1_000_000);
    }

    /** True when the pacer limits anything (the JVM measures thread CPU time and a budget is set). */
    public boolean limited() {
        return cpuMicros != null;
    }

    /**
     * Charges the CPU this thread used since its last call (nothing on its first) and waits while
     * the scans are ahead of the budget. Called every thousand or so entries.
     *
     * @return the seconds waited
     */
    public double charge() {
        if (cpuMicros == null) {
            return 0;
        }
        long now = threadCpuNanos.getAsLong();
        long[] last = lastCpuNanos.get();
        long used = last[0] < 0 ? 0 : now - last[0];
        last[0] = now;
        int micros = (int) Math.min(Integer.MAX_VALUE, used / 1000);
        return micros > 0 ? cpuMicros.acquire(micros) : 0;
    }
}
