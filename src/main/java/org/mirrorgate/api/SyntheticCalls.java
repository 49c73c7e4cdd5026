package org.mirrorgate.api;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Marks the service's own synthetic calls (the warm-up) so Resolve answers them as any other but
 * counts them nowhere: not in the Prometheus metrics, not in the download statistics, not in the
 * download log. The warm-up sends {@value #HEADER_NAME} with a secret drawn at start, known only
 * in this process, so no client can hide its requests from the counts by sending the header.
 *
 * <p>A header checked by an interceptor rather than a second port or a second service: the
 * warm-up must run the very path Nginx's requests take (same port, same service, same stream
 * handling) for the JIT to compile it.
 */
public final class SyntheticCalls implements ServerInterceptor {

    static final String HEADER_NAME = "mirrorgate-synthetic";
    private static final Metadata.Key<String> HEADER = Metadata.Key.of(HEADER_NAME, Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<Boolean> SYNTHETIC = Context.key(HEADER_NAME);

    private final String secret;

    public SyntheticCalls() {
        byte[] b = new byte[16];
        new SecureRandom().nextBytes(b);
        this.secret = HexFormat.of().formatHex(b);
    }

    /** The metadata a synthetic call sends. */
    public Metadata header() {
        Metadata md = new Metadata();
        md.put(HEADER, secret);
        return md;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String sent = headers.get(HEADER);
        if (sent != null && MessageDigest.isEqual(sent.getBytes(StandardCharsets.US_ASCII),
                secret.getBytes(StandardCharsets.US_ASCII))) {
            return Contexts.interceptCall(Context.current().withValue(SYNTHETIC, Boolean.TRUE), call, headers, next);
        }
        return next.startCall(call, headers);
    }

    /** True inside a synthetic call (every callback of it: gRPC attaches the call's context to each). */
    static boolean current() {
        return Boolean.TRUE.equals(SYNTHETIC.get());
    }
}
