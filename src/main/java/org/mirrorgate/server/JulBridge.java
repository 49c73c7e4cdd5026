package org.mirrorgate.server;

import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Routes java.util.logging, which grpc-java logs through (an RPC that throws, a stream closed
 * before a write could take place), into slf4j: the lines then have the service's format and pass
 * its rate limit ({@link RateLimitedLogFilter}) instead of JUL's console handler printing
 * multi-line traces to stderr. logback.xml's {@code LevelChangePropagator} sets JUL's levels from
 * logback's, so a disabled FINE call in grpc costs a level check, not a bridged record.
 */
final class JulBridge {

    private JulBridge() {}

    /** Idempotent; must run before grpc-java logs its first line. */
    static synchronized void install() {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }
}
