package org.mirrorgate.scan.monitor;

/**
 * One progress message of a running scan, shaped as the ScanMirror RPC's {@code ScanProgress}: a
 * running scan sends {@code entries} only; the last message has {@code done} set and the rest.
 *
 * @param entries entries read from the mirror's listing so far
 * @param done set on the last message
 * @param summary on the last message: the one-line summary, or why the scan failed
 * @param success on the last message: whether the listing was published
 */
public record ScanProgressUpdate(long entries, boolean done, String summary, boolean success, long matching,
        long outdated, long missing) {

    static ScanProgressUpdate running(long entries) {
        return new ScanProgressUpdate(entries, false, "", false, 0, 0, 0);
    }

    static ScanProgressUpdate last(ScanOutcome o) {
        return new ScanProgressUpdate(o.entries(), true, o.summary(), o.success(), o.matching(), o.outdated(),
                o.missing());
    }
}
