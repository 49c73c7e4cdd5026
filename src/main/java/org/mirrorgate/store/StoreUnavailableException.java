package org.mirrorgate.store;

/**
 * The store could not be reached or did not answer in time. Writers keep what they meant to write
 * and retry; readers fall back to what is in memory. Never reaches the request path.
 */
public final class StoreUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
