package org.mirrorgate.mirror;

/**
 * What is known of a mirror at run time. Immutable: changes produce a new value ({@code with...}).
 *
 * @param enabled the operator's switch (starts from the config, changed through the admin API)
 * @param http health of the mirror's http base URL
 * @param https health of the mirror's https base URL
 * @param traceSyncMillis the local-change time up to which the mirror's trace file proves (and a
 *     probe confirmed) it holds every file; 0 = unknown
 * @param lastScanMillis when the last successful scan completed; 0 = never
 * @param tzOffsetMillis constant offset to add to the mirror's listed mtimes (FTP servers in local
 *     time); 0 when none was detected
 * @param traceCreditMillis when {@code traceSyncMillis} was last raised (a trace read after the
 *     mirror's last scan outranks that scan for files changed before the credit); 0 = never
 * @param deletions what probes showed of the mirror's copies of locally deleted files
 */
public record MirrorState(
        boolean enabled,
        ProtocolHealth http,
        ProtocolHealth https,
        long traceSyncMillis,
        long lastScanMillis,
        long tzOffsetMillis,
        long traceCreditMillis,
        DeletionEvidence deletions) {

    public MirrorState {
        java.util.Objects.requireNonNull(deletions, "deletions");
    }

    public static MirrorState initial(MirrorSpec spec) {
        return new MirrorState(spec.enabled(), ProtocolHealth.UNKNOWN, ProtocolHealth.UNKNOWN, 0, 0, 0, 0,
                DeletionEvidence.NONE);
    }

    public MirrorState withEnabled(boolean value) {
        return new MirrorState(value, http, https, traceSyncMillis, lastScanMillis, tzOffsetMillis, traceCreditMillis,
                deletions);
    }

    public MirrorState withHttp(ProtocolHealth value) {
        return new MirrorState(enabled, value, https, traceSyncMillis, lastScanMillis, tzOffsetMillis, traceCreditMillis,
                deletions);
    }

    public MirrorState withHttps(ProtocolHealth value) {
        return new MirrorState(enabled, http, value, traceSyncMillis, lastScanMillis, tzOffsetMillis, traceCreditMillis,
                deletions);
    }

    /** The trace credit lowered (a trace that went backwards): when it was given stays as it was. */
    public MirrorState withTraceSync(long millis) {
        return new MirrorState(enabled, http, https, millis, lastScanMillis, tzOffsetMillis, traceCreditMillis,
                deletions);
    }

    /** The trace credit raised to {@code millis} at {@code nowMillis}. */
    public MirrorState withTraceCredit(long millis, long nowMillis) {
        return new MirrorState(enabled, http, https, millis, lastScanMillis, tzOffsetMillis, nowMillis, deletions);
    }

    public MirrorState withDeletions(DeletionEvidence value) {
        return new MirrorState(enabled, http, https, traceSyncMillis, lastScanMillis, tzOffsetMillis,
                traceCreditMillis, value);
    }

    public MirrorState withLastScan(long millis, long tzOffset) {
        return new MirrorState(enabled, http, https, traceSyncMillis, millis, tzOffset, traceCreditMillis, deletions);
    }
}
