package org.mirrorgate.resolve;

/** The service cannot answer yet (no index); callers should fail open and retry later. */
public final class NotReadyException extends Exception {
    private static final long serialVersionUID = 1L;

    public NotReadyException(String message) {
        super(message, null, false, false);
    }
}
