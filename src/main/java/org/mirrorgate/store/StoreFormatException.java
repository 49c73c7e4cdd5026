package org.mirrorgate.store;

/**
 * The store holds data in a layout this mirrorgate cannot use: written by a newer version, or an
 * upgrade step failed. Startup stops with this message rather than misreading the data.
 */
public final class StoreFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StoreFormatException(String message) {
        super(message);
    }

    public StoreFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
