package org.mirrorgate.tls;

/**
 * A certificate or key file that cannot serve: missing, unreadable, not PEM, expired, or a
 * certificate and key that do not belong together. The message names the file and what to do.
 */
public final class TlsFileException extends Exception {
    private static final long serialVersionUID = 1L;

    TlsFileException(String message) {
        super(message);
    }

    TlsFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
