package org.mirrorgate.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * Drops one known, harmless Netty warning: grpc-java sets {@code SO_KEEPALIVE} on every channel its
 * server accepts, and Netty answers each connection to a Unix socket with "Unknown channel option
 * 'SO_KEEPALIVE'" (a domain socket has no keepalive). With nginx reconnecting every few thousand
 * batch calls that is a WARN line every few seconds that says nothing. Every other warning passes.
 */
final class UnixKeepAliveWarningFilter extends TurboFilter {

    /** Adds the filter to logback, once; a no-op under another logging backend. */
    static void install() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context
                && context.getTurboFilterList().stream().noneMatch(UnixKeepAliveWarningFilter.class::isInstance)) {
            UnixKeepAliveWarningFilter filter = new UnixKeepAliveWarningFilter();
            filter.start();
            context.addTurboFilter(filter);
        }
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
            Throwable t) {
        // Netty formats the message itself before handing it to logback (no params here).
        boolean harmless = level == Level.WARN && format != null
                && format.startsWith("Unknown channel option 'SO_KEEPALIVE'")
                && logger.getName().endsWith(".bootstrap.ServerBootstrap");
        return harmless ? FilterReply.DENY : FilterReply.NEUTRAL;
    }
}
