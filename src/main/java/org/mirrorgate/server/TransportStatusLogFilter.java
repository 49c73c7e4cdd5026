package org.mirrorgate.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * Turns grpc-java's warnings about a request its transport refused with a status into one INFO
 * line. grpc-netty logs {@code Exception processing message} at WARNING with a 20-line stack trace
 * when a client sends a message over {@code maxInboundMessageSize} (RESOURCE_EXHAUSTED) or one it
 * cannot decompress; the client is answered with that status, so the operator has nothing to do
 * and a trace only hides the lines that matter. Only a {@link StatusRuntimeException} or
 * {@link StatusException} from an {@code io.grpc} logger is rewritten; any other exception keeps
 * its trace. The line is written by a logger under {@link MalformedRequests}' name ({@value #LOGGER}:
 * io.grpc.netty's own level is WARN), beside the other requests refused for their bytes, and goes
 * through the rate limit like every line a client can trigger.
 *
 * <p>Declared in logback.xml before {@link RateLimitedLogFilter}.
 */
public final class TransportStatusLogFilter extends TurboFilter {

    /** Under MalformedRequests' name, so rate-limited as it is (logback.xml), with a bucket of its own. */
    static final String LOGGER = MalformedRequests.class.getName() + ".GrpcTransport";
    private static final org.slf4j.Logger refused = LoggerFactory.getLogger(LOGGER);

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
            Throwable t) {
        if (!(t instanceof StatusRuntimeException || t instanceof StatusException) || level == null
                || !level.isGreaterOrEqual(Level.WARN) || !logger.getName().startsWith("io.grpc")) {
            return FilterReply.NEUTRAL;
        }
        Status s = Status.fromThrowable(t);
        // No throwable this time, so this call passes here (NEUTRAL) and on to the rate limit.
        refused.info("request refused: {}{} ({}: {}; the client was told, nothing to do here)",
                s.getCode(), s.getDescription() == null ? "" : ": " + s.getDescription(), logger.getName()
                        .substring(logger.getName().lastIndexOf('.') + 1), format);
        return FilterReply.DENY;
    }
}
