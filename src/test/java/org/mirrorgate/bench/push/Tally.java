package org.mirrorgate.bench.push;

import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What one policy mode's clients saw. A request is one download followed through its redirects.
 * {@code mismatched}: bytes that are not what the client's metadata says (or an InRelease the
 * archive never published). {@code stale404}: a 404 for a file the client's metadata names while
 * the origin or some mirror still held those exact bytes (a redirector could have served it; every
 * run is shorter than the deleted-file grace, so every such metadata is younger than it).
 * {@code gone404}: a 404 for a file nobody held any more (deleted everywhere; no redirector can
 * help). {@code origin}: downloads the origin's nginx answered itself.
 */
final class Tally {

    static final int HOURS = 6;

    final String mode;
    final AtomicLong requests = new AtomicLong();
    final AtomicLong mismatched = new AtomicLong();
    final AtomicLong stale404 = new AtomicLong();
    final AtomicLong gone404 = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    final AtomicLong origin = new AtomicLong();
    final AtomicLongArray hourRequests = new AtomicLongArray(HOURS);
    final AtomicLongArray hourOrigin = new AtomicLongArray(HOURS);
    final AtomicLongArray hourStale = new AtomicLongArray(HOURS);
    final AtomicLongArray hourMismatched = new AtomicLongArray(HOURS);
    /** A few examples per kind of failure, for the report. */
    final ConcurrentHashMap<String, String> examples = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicLong> exampleCounts = new ConcurrentHashMap<>();
    /** Downloads per server. */
    final ConcurrentHashMap<String, AtomicLong> servedBy = new ConcurrentHashMap<>();

    Tally(String mode) {
        this.mode = mode;
    }

    void served(String server, int hour) {
        requests.incrementAndGet();
        hourRequests.incrementAndGet(hour);
        servedBy.computeIfAbsent(server, s -> new AtomicLong()).incrementAndGet();
        if (server.equals("origin")) {
            origin.incrementAndGet();
            hourOrigin.incrementAndGet(hour);
        }
    }

    void mismatched(int hour) {
        mismatched.incrementAndGet();
        hourMismatched.incrementAndGet(hour);
    }

    void stale404(int hour) {
        stale404.incrementAndGet();
        hourStale.incrementAndGet(hour);
    }

    /** Keeps the first three examples of each kind of failure. */
    void example(String kind, String text) {
        long n = exampleCounts.computeIfAbsent(kind, k -> new AtomicLong()).getAndIncrement();
        if (n < 3) {
            examples.put(kind + " " + n, kind + ": " + text);
        }
    }

    double originShare() {
        long r = requests.get();
        return r == 0 ? 0 : (double) origin.get() / r;
    }

    String line() {
        return String.format(Locale.ROOT, "archive-push: mode=%s requests=%d mismatched=%d stale_404=%d origin_share=%.3f",
                mode, requests.get(), mismatched.get(), stale404.get(), originShare());
    }

    /** Origin share per hour of the cycle (hour 0 starts at the push), as a text bar chart. */
    String chart() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "  %s: gone_404=%d errors=%d served by %s%n", mode, gone404.get(), errors.get(),
                new java.util.TreeMap<>(servedBy)));
        for (int h = 0; h < HOURS; h++) {
            long r = hourRequests.get(h);
            double share = r == 0 ? 0 : (double) hourOrigin.get(h) / r;
            b.append(String.format(Locale.ROOT, "    hour %d  %5.3f |%-40s| %6d requests, %d stale_404, %d mismatched%n",
                    h, share, "#".repeat((int) Math.round(share * 40)), r, hourStale.get(h), hourMismatched.get(h)));
        }
        examples.forEach((k, v) -> b.append("    e.g. ").append(v).append('\n'));
        return b.toString();
    }
}
