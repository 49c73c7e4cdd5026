package org.mirrorgate.resolve;

/** The request is malformed (path or client address); the message says which part and why. */
public final class InvalidRequestException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidRequestException(String message) {
        super(message, null, false, false); // expected outcome, no stack trace needed
    }
}
