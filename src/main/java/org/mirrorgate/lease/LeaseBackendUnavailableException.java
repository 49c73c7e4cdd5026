package org.mirrorgate.lease;

/** The lease backend could not be reached: nothing was taken, renewed or released. */
public final class LeaseBackendUnavailableException extends RuntimeException {

    public LeaseBackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
