package org.mirrorgate.api;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Guards the admin API. With a token: every call needs {@code authorization: Bearer <token>}
 * (compared in constant time). Without one: only loopback peers are admitted, so a fresh install
 * is not an open admin endpoint even if the port is reachable.
 */
public final class AdminAuthInterceptor implements ServerInterceptor {

    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final byte[] expected;

    /** @param token the admin token, or null to admit loopback peers only */
    public AdminAuthInterceptor(String token) {
        this.expected = token == null ? null : ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String refusal = refusal(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR), headers.get(AUTHORIZATION));
        if (refusal != null) {
            call.close(Status.UNAUTHENTICATED.withDescription(refusal), new Metadata());
            return new ServerCall.Listener<>() { };
        }
        return next.startCall(call, headers);
    }

    private String refusal(SocketAddress peer, String authorization) {
        if (expected == null) {
            boolean loopback = !(peer instanceof InetSocketAddress isa) || isa.getAddress() == null
                    || isa.getAddress().isLoopbackAddress();
            return loopback ? null : "admin calls are only accepted from loopback unless admin.token-file is set";
        }
        if (authorization == null) {
            return "missing metadata 'authorization: Bearer <token>' (the token is in admin.token-file)";
        }
        return MessageDigest.isEqual(expected, authorization.getBytes(StandardCharsets.UTF_8)) ? null : "wrong admin token";
    }
}
