package org.mirrorgate.server;

import io.grpc.Attributes;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.SecurityLevel;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a request whose bytes do not parse with INVALID_ARGUMENT and a short description, on
 * every method of a service. grpc-java parses a request inside the call's listener; a parse error
 * is thrown from there, answered {@code UNKNOWN: Application error processing RPC} and logged at
 * SEVERE with a 6.6 KB stack trace (issue 13: anyone reaching the port could fill the disk).
 *
 * <p>How: each method's request marshaller is wrapped so that parsing never throws, it yields a
 * {@link Parsed} holding the message or the error; the handler closes the call on an error, and
 * tells the service's own listener the call was cancelled (so a stream's bookkeeping, such as the
 * open-streams gauge, is released). The service sees its usual types. Responses are untouched, so
 * the request path pays one small object per request.
 */
final class MalformedRequests {

    private static final Logger log = LoggerFactory.getLogger(MalformedRequests.class);
    /** Longest parser detail kept in the description: enough to tell what was wrong. */
    private static final int MAX_DETAIL = 160;

    private MalformedRequests() {}

    /** {@code service} with every method guarded; its schema (for reflection) kept. */
    static ServerServiceDefinition guard(ServerServiceDefinition service) {
        ServiceDescriptor original = service.getServiceDescriptor();
        List<ServerMethodDefinition<?, ?>> guarded = new ArrayList<>();
        ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(original.getName())
                .setSchemaDescriptor(original.getSchemaDescriptor());
        for (ServerMethodDefinition<?, ?> m : service.getMethods()) {
            ServerMethodDefinition<?, ?> g = guard(m);
            guarded.add(g);
            descriptor.addMethod(g.getMethodDescriptor());
        }
        ServerServiceDefinition.Builder out = ServerServiceDefinition.builder(descriptor.build());
        guarded.forEach(out::addMethod);
        return out.build();
    }

    private static <Q, R> ServerMethodDefinition<Parsed<Q>, R> guard(ServerMethodDefinition<Q, R> m) {
        MethodDescriptor<Q, R> method = m.getMethodDescriptor();
        MethodDescriptor<Parsed<Q>, R> wrapped = method.toBuilder(new ParsingMarshaller<>(method.getRequestMarshaller()),
                method.getResponseMarshaller()).build();
        ServerCallHandler<Q, R> next = m.getServerCallHandler();
        return ServerMethodDefinition.create(wrapped, (call, headers) -> {
            Unwrapped<Q, R> unwrapped = new Unwrapped<>(call, method);
            return new Listener<>(unwrapped, next.startCall(unwrapped, headers));
        });
    }

    /** A request as parsed: the message, or why it is not one. */
    record Parsed<Q>(Q message, RuntimeException error) {}

    private static final class ParsingMarshaller<Q> implements MethodDescriptor.Marshaller<Parsed<Q>> {
        private final MethodDescriptor.Marshaller<Q> delegate;

        ParsingMarshaller(MethodDescriptor.Marshaller<Q> delegate) {
            this.delegate = delegate;
        }

        @Override
        public InputStream stream(Parsed<Q> value) {
            return delegate.stream(value.message());
        }

        @Override
        public Parsed<Q> parse(InputStream stream) {
            try {
                return new Parsed<>(delegate.parse(stream), null);
            } catch (RuntimeException e) {
                return new Parsed<>(null, e);
            }
        }
    }

    /** The listener grpc-java calls: passes messages on, or closes the call on a malformed one. */
    private static final class Listener<Q, R> extends ServerCall.Listener<Parsed<Q>> {
        private final Unwrapped<Q, R> call;
        private final ServerCall.Listener<Q> delegate;
        private boolean rejected; // listener methods are called one at a time: no lock

        Listener(Unwrapped<Q, R> call, ServerCall.Listener<Q> delegate) {
            this.call = call;
            this.delegate = delegate;
        }

        @Override
        public void onMessage(Parsed<Q> request) {
            if (rejected) {
                return;
            }
            if (request.error() == null) {
                delegate.onMessage(request.message());
                return;
            }
            rejected = true;
            String method = call.getMethodDescriptor().getFullMethodName();
            String reason = describe(request.error());
            log.info("malformed request to {} from {}: {}", method,
                    call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR), reason);
            call.reject(Status.INVALID_ARGUMENT.withDescription("request: not a valid message for " + method
                    + " (" + reason + ")"));
            delegate.onCancel(); // the service's stream state is released; nothing more reaches it
        }

        @Override
        public void onHalfClose() {
            if (!rejected) {
                delegate.onHalfClose();
            }
        }

        @Override
        public void onCancel() {
            if (!rejected) {
                delegate.onCancel();
            }
        }

        @Override
        public void onComplete() {
            if (!rejected) {
                delegate.onComplete();
            }
        }

        @Override
        public void onReady() {
            if (!rejected) {
                delegate.onReady();
            }
        }
    }

    /** "Invalid protobuf byte sequence: While parsing a protocol message, the input ended ..." */
    static String describe(RuntimeException e) {
        Status s = Status.fromThrowable(e);
        String detail = s.getDescription() == null ? e.getClass().getSimpleName() : s.getDescription();
        Throwable cause = s.getCause() != null ? s.getCause() : e.getCause();
        if (cause != null && cause.getMessage() != null) {
            detail += ": " + cause.getMessage();
        }
        return detail.length() <= MAX_DETAIL ? detail : detail.substring(0, MAX_DETAIL) + "...";
    }

    /**
     * The call as the service sees it: its own request type; everything else is the real call's.
     * Once rejected, what the service still does to it (a service answering its cancellation with
     * an error, as reflection does) goes nowhere: the call is closed already.
     */
    private static final class Unwrapped<Q, R> extends ServerCall<Q, R> {
        private final ServerCall<Parsed<Q>, R> call;
        private final MethodDescriptor<Q, R> method;
        private volatile boolean rejected; // the service may answer from another thread

        Unwrapped(ServerCall<Parsed<Q>, R> call, MethodDescriptor<Q, R> method) {
            this.call = call;
            this.method = method;
        }

        void reject(Status status) {
            rejected = true;
            call.close(status, new Metadata());
        }

        @Override
        public void request(int numMessages) {
            if (!rejected) {
                call.request(numMessages);
            }
        }

        @Override
        public void sendHeaders(Metadata headers) {
            if (!rejected) {
                call.sendHeaders(headers);
            }
        }

        @Override
        public void sendMessage(R message) {
            if (!rejected) {
                call.sendMessage(message);
            }
        }

        @Override
        public boolean isReady() {
            return call.isReady();
        }

        @Override
        public void close(Status status, Metadata trailers) {
            if (!rejected) {
                call.close(status, trailers);
            }
        }

        @Override
        public boolean isCancelled() {
            return call.isCancelled();
        }

        @Override
        public void setMessageCompression(boolean enabled) {
            call.setMessageCompression(enabled);
        }

        @Override
        public void setCompression(String compressor) {
            call.setCompression(compressor);
        }

        @Override
        public void setOnReadyThreshold(int numBytes) {
            call.setOnReadyThreshold(numBytes);
        }

        @Override
        public SecurityLevel getSecurityLevel() {
            return call.getSecurityLevel();
        }

        @Override
        public Attributes getAttributes() {
            return call.getAttributes();
        }

        @Override
        public String getAuthority() {
            return call.getAuthority();
        }

        @Override
        public MethodDescriptor<Q, R> getMethodDescriptor() {
            return method;
        }
    }
}
