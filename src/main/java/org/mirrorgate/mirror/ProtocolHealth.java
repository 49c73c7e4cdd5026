package org.mirrorgate.mirror;

/**
 * The health verdict for one protocol (http or https) of one mirror.
 *
 * @param status UP and UNKNOWN (never probed yet) are usable; DOWN is not
 * @param reason why it is down ("HTTP 404 on pool/x.deb", "timeout", ...); "" otherwise
 * @param sinceMillis epoch millis of the last state change; 0 when never probed
 */
public record ProtocolHealth(Status status, String reason, long sinceMillis) {

    public enum Status { UNKNOWN, UP, DOWN }

    /** Not probed yet: usable, so a fresh start redirects before the first probe round ends. */
    public static final ProtocolHealth UNKNOWN = new ProtocolHealth(Status.UNKNOWN, "", 0);

    public ProtocolHealth {
        reason = reason == null ? "" : reason;
    }

    public static ProtocolHealth up(long sinceMillis) {
        return new ProtocolHealth(Status.UP, "", sinceMillis);
    }

    public static ProtocolHealth down(String reason, long sinceMillis) {
        return new ProtocolHealth(Status.DOWN, reason, sinceMillis);
    }

    public boolean usable() {
        return status != Status.DOWN;
    }
}
