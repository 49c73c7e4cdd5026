package org.mirrorgate.server;

import org.mirrorgate.reload.ConfigReloads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGHUP reloads the config file, as it does for Nginx and most daemons (systemd's ExecReload
 * sends it). Without this handler the JVM treats SIGHUP as a request to shut down. {@code
 * sun.misc.Signal} (module jdk.unsupported) because the JDK has no supported API for signals. The
 * outcome is logged by the reload itself: applied changes at INFO, a refused file at WARN.
 */
final class ReloadSignal {

    private static final Logger log = LoggerFactory.getLogger(ReloadSignal.class);

    private ReloadSignal() {}

    /** Installs the handler; false (with a warning) where the JVM refuses it (started with {@code -Xrs}). */
    static boolean install(ConfigReloads reloads) {
        try {
            // Runs on the JVM's own signal dispatch thread, one signal at a time; the reload is
            // serialized with the Reload RPC's, and a refused file changes nothing.
            Signal.handle(new Signal("HUP"), s -> reloads.reload());
            return true;
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            log.warn("SIGHUP cannot be handled here ({}): reload the config with `mirrorgate reload` (the Reload RPC)",
                    e.getMessage());
            return false;
        }
    }
}
