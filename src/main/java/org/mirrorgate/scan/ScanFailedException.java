package org.mirrorgate.scan;

/**
 * A listing could not be taken or was refused; the message is the reason, short and fit for the
 * mirror's event log ("rsync exit 10: error in socket I/O", "timed out after 30m", "listing
 * refused: 143 rejected entries ..."). Nothing of such a scan is published.
 */
public final class ScanFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    public ScanFailedException(String reason) {
        super(reason);
    }

    public ScanFailedException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
