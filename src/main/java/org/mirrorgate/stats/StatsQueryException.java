package org.mirrorgate.stats;

/** A statistics query that cannot be answered as asked; the message says why and what to ask instead. */
public final class StatsQueryException extends Exception {

    /** INVALID: the question is malformed (a date, a range, a period); NOT_FOUND: it names nothing known. */
    public enum Kind { INVALID, NOT_FOUND }

    private final Kind kind;

    private StatsQueryException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public static StatsQueryException invalid(String message) {
        return new StatsQueryException(Kind.INVALID, message);
    }

    public static StatsQueryException notFound(String message) {
        return new StatsQueryException(Kind.NOT_FOUND, message);
    }

    public Kind kind() {
        return kind;
    }
}
