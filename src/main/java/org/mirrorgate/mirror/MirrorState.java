package org.mirrorgate.mirror;

/**
 * What is known of a mirror at run time. Immutable: changes produce a new value ({@code with...}).
 *
 * @param enabled whether the mirror is served: the declaration's {@code enabled}, or the
 *     operator's run-time switch (admin API) when it differs, an override (see {@link #overrides})
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
 * @param families the address families its hosts resolved to at the last DNS look-up ({@code
 *     scan.monitor.FamilyLearner}); {@link AddressFamilies#UNKNOWN} before one answered. A family
 *     declared in the {@link MirrorSpec} takes precedence ({@link #familiesFor})
 */
public record MirrorState(
        boolean enabled,
        ProtocolHealth http,
        ProtocolHealth https,
        long traceSyncMillis,
        long lastScanMillis,
        long tzOffsetMillis,
        long traceCreditMillis,
        DeletionEvidence deletions,
        AddressFamilies families) {

    public MirrorState {
        java.util.Objects.requireNonNull(deletions, "deletions");
        families = families == null ? AddressFamilies.UNKNOWN : families;
    }

    /** A state whose address families are not learned yet. */
    public MirrorState(boolean enabled, ProtocolHealth http, ProtocolHealth https, long traceSyncMillis,
            long lastScanMillis, long tzOffsetMillis, long traceCreditMillis, DeletionEvidence deletions) {
        this(enabled, http, https, traceSyncMillis, lastScanMillis, tzOffsetMillis, traceCreditMillis, deletions,
                AddressFamilies.UNKNOWN);
    }

    /**
     * The families the ranking uses for this mirror: the declared ones when {@code spec} has them,
     * else the learned ones (possibly {@link AddressFamilies#UNKNOWN}: treated as both).
     */
    public AddressFamilies familiesFor(MirrorSpec spec) {
        return spec.families().known() ? spec.families() : families;
    }

    public MirrorState withFamilies(AddressFamilies value) {
        return new MirrorState(enabled, http, https, traceSyncMillis, lastScanMillis, tzOffsetMillis, traceCreditMillis,
                deletions, value);
    }

    public static MirrorState initial(MirrorSpec spec) {
        return new MirrorState(spec.enabled(), ProtocolHealth.UNKNOWN, ProtocolHealth.UNKNOWN, 0, 0, 0, 0,
                DeletionEvidence.NONE);
    }

    /**
     * Whether the operator's run-time switch overrides a config mirror's declared {@code enabled}.
     * Derived, not stored: the override is exactly "the switch differs from the declaration", so it
     * ends when cleared (switch set back) or when the config's own {@code enabled} changes (the
     * store then takes the new declared value, see {@code IndexLoader.restore}).
     */
    public boolean overrides(MirrorSpec spec) {
        return spec.origin() == MirrorSpec.Origin.CONFIG && enabled != spec.enabled();
    }

    public MirrorState withEnabled(boolean value) {
        return new MirrorState(value, http, https, traceSyncMillis, lastScanMillis, tzOffsetMillis, traceCreditMillis,
                deletions, families);
    }

    public MirrorState withHttp(ProtocolHealth value) {
        return new MirrorState(enabled, value, https, traceSyncMillis, lastScanMillis, tzOffsetMillis, traceCreditMillis,
                deletions, families);
    }

    public MirrorState withHttps(ProtocolHealth value) {
        return new MirrorState(enabled, http, value, traceSyncMillis, lastScanMillis, tzOffsetMillis, traceCreditMillis,
                deletions, families);
    }

    /** The trace credit lowered (a trace that went backwards): when it was given stays as it was. */
    public MirrorState withTraceSync(long millis) {
        return new MirrorState(enabled, http, https, millis, lastScanMillis, tzOffsetMillis, traceCreditMillis,
                deletions, families);
    }

    /** The trace credit raised to {@code millis} at {@code nowMillis}. */
    public MirrorState withTraceCredit(long millis, long nowMillis) {
        return new MirrorState(enabled, http, https, millis, lastScanMillis, tzOffsetMillis, nowMillis, deletions,
                families);
    }

    public MirrorState withDeletions(DeletionEvidence value) {
        return new MirrorState(enabled, http, https, traceSyncMillis, lastScanMillis, tzOffsetMillis,
                traceCreditMillis, value, families);
    }

    public MirrorState withLastScan(long millis, long tzOffset) {
        return new MirrorState(enabled, http, https, traceSyncMillis, millis, tzOffset, traceCreditMillis, deletions,
                families);
    }
}
