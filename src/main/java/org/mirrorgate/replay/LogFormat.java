package org.mirrorgate.replay;

/** What the replayed logs hold (docs/ranking.md, Replay). */
public enum LogFormat {
    /** Decided per file from its first non-empty line: '{' is JSON, anything else combined. */
    AUTO,
    /** Nginx's default {@code combined} (and {@code common}). */
    COMBINED,
    /** One JSON object per line; mirrorgate's download log is one. */
    JSON
}
