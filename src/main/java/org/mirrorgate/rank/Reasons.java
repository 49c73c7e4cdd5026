package org.mirrorgate.rank;

/**
 * Why a mirror was excluded: short stable strings, shown by Explain and the mirror list and used as
 * metric labels, asserted by the tests rule by rule. Protocol-down reasons are built as
 * {@code "http down: <probe reason>"}.
 */
public final class Reasons {
    public static final String DISABLED = "disabled";
    public static final String NO_HTTP_URL = "no http url";
    public static final String NO_HTTPS_URL = "no https url";
    public static final String NOT_SCANNED = "not scanned";
    public static final String FILE_MISSING = "file missing";
    public static final String FILE_OUTDATED = "file outdated";
    public static final String FILE_TOO_OLD = "file older than allowed";
    public static final String FILE_DELETED = "file deleted locally";
    /**
     * A deleted file the mirror held at a scan before the deletion, and no scan or probe since: it
     * may have deleted it since. Used only when no mirror is known to hold the file (rather than a 404).
     */
    public static final String NOT_CHECKED_SINCE_DELETION = "not checked since deletion";
    /** A deleted file the mirror held, but its trace shows a sync after the deletion. */
    public static final String SYNCED_SINCE_DELETION = "synced since deletion";
    /** A deleted file the mirror held, but a probe since its scan found it applying the deletions. */
    public static final String DELETED_SINCE_SCAN = "seen deleting since its scan";
    /**
     * A deleted file the mirror holds, but a sync is under way (a probe found new files arriving, or
     * its scan after the deletion found newer content than the scan before; the deletions
     * follow): used only when no mirror is known to hold the file and not be syncing.
     */
    public static final String MID_SYNC = "mid-sync: may delete it any moment";
    public static final String COUNTRY_ONLY = "country only";
    public static final String CONTINENT_ONLY = "continent only";
    public static final String ASN_ONLY = "asn only";
    public static final String EXCLUDED_COUNTRY = "client country excluded";
    /**
     * The client came over IPv6 (or IPv4) and the mirror is known to be reachable over the other
     * family only, while a mirror reachable over the client's family qualifies.
     */
    public static final String NO_IPV6 = "no ipv6";
    public static final String NO_IPV4 = "no ipv4";

    private Reasons() {}

    static String down(String protocol, String probeReason) {
        return protocol + " down: " + (probeReason.isEmpty() ? "unknown" : probeReason);
    }
}
