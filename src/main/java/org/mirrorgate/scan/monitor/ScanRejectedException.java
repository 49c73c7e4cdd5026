package org.mirrorgate.scan.monitor;

/**
 * A manual scan that cannot start. The admin API maps {@link Kind#UNKNOWN_MIRROR} to NOT_FOUND,
 * {@link Kind#NOT_SCANNABLE} to FAILED_PRECONDITION and {@link Kind#ALREADY_RUNNING} to ABORTED.
 */
public final class ScanRejectedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why the scan was not started. */
    public enum Kind {
        /** No mirror has that name. */
        UNKNOWN_MIRROR,
        /** The mirror is trusted (never scanned) or has no URL its scan-via setting can use. */
        NOT_SCANNABLE,
        /** A scan of that mirror is running here, or another replica holds its scan lease. */
        ALREADY_RUNNING
    }

    private final Kind kind;

    public ScanRejectedException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
