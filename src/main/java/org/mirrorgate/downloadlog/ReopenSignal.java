package org.mirrorgate.downloadlog;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGUSR1 reopens the download log, as Nginx and Mirrorbits do: logrotate renames the file, then
 * signals, and the next lines go to a new file. {@code sun.misc.Signal} (module jdk.unsupported,
 * kept for exactly this use) because the JDK has no supported API for signals; the JVM itself
 * does not use SIGUSR1 on Linux.
 */
public final class ReopenSignal {

    private static final Logger log = LoggerFactory.getLogger(ReopenSignal.class);
    static final String NAME = "USR1";

    private ReopenSignal() {}

    /**
     * Installs the handler; false (with a warning) where the JVM refuses it (started with
     * {@code -Xrs}, or a platform without SIGUSR1): the log is then rotated by size only.
     */
    public static boolean install(Runnable reopen) {
        try {
            Signal.handle(new Signal(NAME), s -> reopen.run());
            return true;
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            log.warn("SIGUSR1 cannot be handled here ({}): the download log is not reopened on it; use"
                    + " downloads.log-max-size or logrotate's copytruncate", e.getMessage());
            return false;
        }
    }
}
