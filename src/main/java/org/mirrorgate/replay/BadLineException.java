package org.mirrorgate.replay;

/**
 * A log line that cannot be read as a request, with the reason; counted and skipped. Thrown once
 * per bad line, so it carries no stack trace (a log of garbage must not cost a trace per line).
 */
final class BadLineException extends Exception {

    private static final long serialVersionUID = 1L;

    BadLineException(String reason) {
        super(reason, null, false, false);
    }
}
