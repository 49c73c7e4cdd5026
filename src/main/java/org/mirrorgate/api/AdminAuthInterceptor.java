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
 * (compared in constant time), on every listener. Without one: on TCP, only loopback peers are
 * admitted, so a fresh install is not an open admin endpoint even if the port is reachable; on the
 * Unix socket ({@link #forUnixSocket}), nobody, unless the operator admits every caller there
 * ({@code listen.grpc-socket-admin}): the socket is as wide as its mode and group make it, and
 * who may open it is not who may run the service.
 */
public final class AdminAuthInterceptor implements ServerInterceptor {

    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final byte[] expected;
    /** Without a token: true to admit peers that are not TCP ones (in-process, or the Unix socket when allowed). */
    private final boolean admitLocalWithoutToken;
    private final String refusalWithoutToken;

    /**
     * For TCP (and in-process) listeners.
     *
     * @param token the admin token, or null to admit loopback peers only
     */
    public AdminAuthInterceptor(String token) {
        this(token, true, "admin calls are only accepted from loopback unless admin.token-file is set");
    }

    private AdminAuthInterceptor(String token, boolean admitLocalWithoutToken, String refusalWithoutToken) {
        this.expected = token == null ? null : ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
        this.admitLocalWithoutToken = admitLocalWithoutToken;
        this.refusalWithoutToken = refusalWithoutToken;
    }

    /**
     * For the Unix socket listener.
     *
     * @param token the admin token, or null
     * @param adminWithoutToken without a token, whether every caller on the socket is admitted
     */
    public static AdminAuthInterceptor forUnixSocket(String token, boolean adminWithoutToken) {
        return new AdminAuthInterceptor(token, adminWithoutToken, "admin calls over listen.grpc-socket need"
                + " admin.token-file (or listen.grpc-socket-admin: true, which admits every local user who may open"
                + " the socket); or call over loopback TCP");
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
            boolean admitted = peer instanceof InetSocketAddress isa
                    ? isa.getAddress() == null || isa.getAddress().isLoopbackAddress()
                    : admitLocalWithoutToken;
            return admitted ? null : refusalWithoutToken;
        }
        if (authorization == null) {
            return "missing metadata 'authorization: Bearer <token>' (the token is in admin.token-file)";
        }
        return MessageDigest.isEqual(expected, authorization.getBytes(StandardCharsets.UTF_8)) ? null : "wrong admin token";
    }
}
