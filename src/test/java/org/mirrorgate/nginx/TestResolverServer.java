package org.mirrorgate.nginx;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.mirrorgate.api.v1.Action;
import org.mirrorgate.api.v1.Alternate;
import org.mirrorgate.api.v1.ResolveBatchRequest;
import org.mirrorgate.api.v1.ResolveBatchResponse;
import org.mirrorgate.api.v1.ResolveRequest;
import org.mirrorgate.api.v1.ResolveResponse;
import org.mirrorgate.api.v1.ResolverGrpc;
import org.mirrorgate.api.v1.Scheme;

/**
 * A real grpc-java (Netty, HTTP/2) server for the {@code Resolver} methods that the nginx tests steer: it
 * decides from the path in {@link Mode#DECIDE}, or hangs, fails, answers garbage as the test asks.
 * The methods are bound with a byte-array marshaller so that a reply can be any bytes; requests are still
 * parsed with the generated class. Every call is recorded with its metadata and deadline.
 */
final class TestResolverServer implements AutoCloseable {

    /** How the server answers. */
    enum Mode {
        /** Decides from the path, see {@link #decide}. */
        DECIDE,
        /** Never answers (the call stays open until the client gives up). */
        HANG,
        /** Status INTERNAL. */
        ERROR,
        /** Status UNAVAILABLE, as a replica that is not ready. */
        UNAVAILABLE,
        /** Status INVALID_ARGUMENT, as for a malformed path. */
        INVALID_ARGUMENT,
        /** A reply message that is not a ResolveResponse. */
        GARBAGE,
    }

    /**
     * Which of the Resolver methods the server implements; the others answer UNIMPLEMENTED (the hook
     * must then fail open: it batches on ResolveStream only).
     */
    enum Api {
        /** Resolve only. */
        RESOLVE,
        /** Resolve and ResolveBatch, no ResolveStream. */
        BATCH,
        /** All three, as the service today. */
        STREAM,
    }

    /** One decision request as the server saw it; streamed: it came on a ResolveStream call. */
    record Call(ResolveRequest request, Metadata headers, Deadline deadline, boolean streamed) {}

    static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    static final int BIG_CONTENT = 1024 * 1024;

    private final AtomicReference<Mode> mode = new AtomicReference<>(Mode.DECIDE);
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final AtomicInteger cancelled = new AtomicInteger();
    private final AtomicInteger unaryCalls = new AtomicInteger();
    private final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    private final AtomicInteger streamsOpened = new AtomicInteger();
    private final Duration maxConnectionAge;
    private final Api api;
    private final int port;
    private Server server;

    private TestResolverServer(int port, Duration maxConnectionAge, Api api) {
        this.port = port;
        this.maxConnectionAge = maxConnectionAge;
        this.api = api;
    }

    /** Starts on a free loopback port with every method. */
    static TestResolverServer start() {
        return start(null, Api.STREAM);
    }

    /**
     * Starts on a free loopback port; with a connection age, the server sends GOAWAY that often;
     * methods beyond {@code api} answer UNIMPLEMENTED.
     */
    static TestResolverServer start(Duration maxConnectionAge, Api api) {
        TestResolverServer s = new TestResolverServer(NginxHarness.freePort(), maxConnectionAge, api);
        s.startServer();
        s.warmUp();
        return s;
    }

    /**
     * Calls the server a few hundred times from a grpc-java client, so that class loading and the JIT
     * are done before nginx's first call: a cold JVM takes over 100 ms for its first calls, which the
     * hook would rightly treat as a failure. The warm-up calls are not recorded.
     */
    private void warmUp() {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        try {
            ResolverGrpc.ResolverBlockingStub stub = ResolverGrpc.newBlockingStub(channel);
            for (int i = 0; i < 300; i++) {
                stub.resolve(ResolveRequest.newBuilder().setPath("/pool/warm-up/" + i).setClientIp("127.0.0.1")
                        .setScheme(i % 2 == 0 ? Scheme.HTTP : Scheme.HTTPS).build());
            }
        } finally {
            channel.shutdownNow();
        }
        calls.clear();
        unaryCalls.set(0);
    }

    private void startServer() {
        MethodDescriptor<byte[], byte[]> method = ResolverGrpc.getResolveMethod().toBuilder(BYTES, BYTES).build();
        ServerServiceDefinition.Builder service = ServerServiceDefinition.builder(ResolverGrpc.SERVICE_NAME)
                .addMethod(method, ServerCalls.asyncUnaryCall(this::resolve));
        MethodDescriptor<byte[], byte[]> batchMethod = ResolverGrpc.getResolveBatchMethod().toBuilder(BYTES, BYTES)
                .build();
        if (api != Api.RESOLVE) {
            service.addMethod(batchMethod, ServerCalls.asyncUnaryCall(this::resolveBatch));
        }
        if (api == Api.STREAM) {
            service.addMethod(ResolverGrpc.getResolveStreamMethod().toBuilder(BYTES, BYTES).build(),
                    ServerCalls.asyncBidiStreamingCall(this::resolveStream));
        }
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
                .directExecutor()
                .addService(ServerInterceptors.intercept(service.build(), new MetadataCapture()));
        if (maxConnectionAge != null) {
            builder.maxConnectionAge(maxConnectionAge.toMillis(), TimeUnit.MILLISECONDS)
                    .maxConnectionAgeGrace(5, TimeUnit.SECONDS);
        }
        try {
            server = builder.build().start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final Context.Key<Metadata> HEADERS = Context.key("headers");

    /** Puts the call's metadata in the context, where {@link #resolve} records it. */
    private static final class MetadataCapture implements ServerInterceptor {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                ServerCallHandler<Q, R> next) {
            return io.grpc.Contexts.interceptCall(Context.current().withValue(HEADERS, headers), call, headers, next);
        }
    }

    /** ResolveBatch: the mode applies to the whole call, except INVALID_ARGUMENT, which refuses each entry. */
    private void resolveBatch(byte[] bytes, StreamObserver<byte[]> out) {
        byte[] reply = decideBatch(bytes, out, false);
        if (reply != null) {
            out.onNext(reply);
            out.onCompleted();
        }
    }

    /**
     * ResolveStream: each batch as ResolveBatch would answer it, on the same call; a failure mode
     * ends the stream with its status, HANG leaves the batch unanswered, GARBAGE answers garbage and
     * keeps the stream open.
     */
    private StreamObserver<byte[]> resolveStream(StreamObserver<byte[]> out) {
        streamsOpened.incrementAndGet();
        return new StreamObserver<>() {
            @Override
            public void onNext(byte[] bytes) {
                if (mode.get() == Mode.GARBAGE) {
                    out.onNext(new byte[] {0x0f, 0x00, 0x12, 0x7f});
                    return;
                }
                byte[] reply = decideBatch(bytes, out, true);
                if (reply != null) {
                    out.onNext(reply);
                }
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {
                out.onCompleted();
            }
        };
    }

    /** A batch's reply, or null when the mode answered (or left unanswered) the call itself. */
    private byte[] decideBatch(byte[] bytes, StreamObserver<byte[]> out, boolean streamed) {
        ResolveBatchRequest req;
        try {
            req = ResolveBatchRequest.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            out.onError(Status.INVALID_ARGUMENT.withDescription("unparsable batch").asRuntimeException());
            return null;
        }
        batchSizes.add(req.getRequestsCount());
        for (ResolveRequest r : req.getRequestsList()) {
            calls.add(new Call(r, HEADERS.get(), Context.current().getDeadline(), streamed));
        }
        switch (mode.get()) {
            case DECIDE, INVALID_ARGUMENT -> {
                ResolveBatchResponse.Builder res = ResolveBatchResponse.newBuilder();
                for (ResolveRequest r : req.getRequestsList()) {
                    res.addResponses(mode.get() == Mode.DECIDE ? decide(r)
                            : ResolveResponse.newBuilder().setReason("test: bad path").build());
                }
                return res.build().toByteArray();
            }
            default -> {
                answerFailure(out);
                return null;
            }
        }
    }

    private void answerFailure(StreamObserver<byte[]> out) {
        switch (mode.get()) {
            case HANG -> Context.current().addListener(c -> cancelled.incrementAndGet(), Runnable::run);
            case ERROR -> out.onError(Status.INTERNAL.withDescription("test: boom").asRuntimeException());
            case UNAVAILABLE -> out.onError(Status.UNAVAILABLE.withDescription("test: not ready").asRuntimeException());
            case INVALID_ARGUMENT -> out.onError(
                    Status.INVALID_ARGUMENT.withDescription("test: bad path").asRuntimeException());
            case GARBAGE -> {
                out.onNext(new byte[] {0x0f, 0x00, 0x12, 0x7f});
                out.onCompleted();
            }
            case DECIDE -> throw new IllegalStateException("not a failure mode");
        }
    }

    private void resolve(byte[] bytes, StreamObserver<byte[]> out) {
        ResolveRequest req;
        try {
            req = ResolveRequest.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            out.onError(Status.INVALID_ARGUMENT.withDescription("unparsable request").asRuntimeException());
            return;
        }
        calls.add(new Call(req, HEADERS.get(), Context.current().getDeadline(), false));
        unaryCalls.incrementAndGet();
        if (mode.get() == Mode.DECIDE) {
            out.onNext(decide(req).toByteArray());
            out.onCompleted();
        } else {
            answerFailure(out);
        }
    }

    /**
     * The test decisions: {@code /pool/**} redirects to m1 with alternates m2 (de) and m3 (no country),
     * in the request's scheme, rendered as one Link value when the request asks for it, as the service
     * does; {@code /local/**} serves locally; {@code /missing/**} is not found; {@code ?sha256}
     * answers a checksum line, {@code /big/**} 1 MiB of content, {@code /nosum/**} a 404 content;
     * {@code /unsafe/**} and {@code /downgrade/**} answer redirects Lua must refuse;
     * {@code /unsafe-link/**} (CR LF in the link) and {@code /downgrade-link/**} (an http alternate for
     * every request) answer good redirects whose Link value Lua must drop (the latter only for https);
     * {@code /hashed/**} a redirect with a digest and a metalink path, as the service answers for a
     * hashed file, and {@code /unsafe-digest/**} one whose digest (CR LF) and metalink (a network path)
     * Lua must drop while keeping its good Link value.
     */
    /** The digest {@code /hashed/**} redirects carry. */
    static final String HASHED_DIGEST = "sha-256=+wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE=";

    static ResolveResponse decide(ResolveRequest req) {
        String path = req.getPath();
        String scheme = req.getScheme() == Scheme.HTTPS ? "https" : "http";
        if (req.getQuery().equals("sha256")) {
            return content(200, "text/plain; charset=utf-8", "0123abcd  " + path + "\n");
        }
        if (path.startsWith("/pool/")) {
            ResolveResponse.Builder b = ResolveResponse.newBuilder().setAction(Action.REDIRECT)
                    .setUrl(scheme + "://m1.example.org/debian" + path).setMirror("m1").setReason("nearest mirror");
            if (req.getLinkHeader()) {
                return b.setLink("<" + scheme + "://m2.example.org/debian" + path + ">; rel=duplicate; pri=1; geo=de, <"
                        + scheme + "://m3.example.net" + path + ">; rel=duplicate; pri=2").build();
            }
            return b.addAlternates(Alternate.newBuilder().setUrl(scheme + "://m2.example.org/debian" + path)
                            .setPriority(1).setCountry("de").setMirror("m2"))
                    .addAlternates(Alternate.newBuilder().setUrl(scheme + "://m3.example.net" + path)
                            .setPriority(2).setMirror("m3"))
                    .build();
        }
        if (path.startsWith("/unsafe-link/") || path.startsWith("/downgrade-link/")) {
            String link = path.startsWith("/unsafe-link/")
                    ? "<" + scheme + "://m2.example.org" + path + ">; rel=duplicate; pri=1\r\nSet-Cookie: a=b"
                    : "<https://m2.example.org" + path + ">; rel=duplicate; pri=1, <http://m3.example.net" + path
                            + ">; rel=duplicate; pri=2";
            return ResolveResponse.newBuilder().setAction(Action.REDIRECT).setUrl(scheme + "://m1.example.org" + path)
                    .setMirror("m1").setLink(link).build();
        }
        if (path.startsWith("/hashed/") || path.startsWith("/unsafe-digest/")) {
            boolean good = path.startsWith("/hashed/");
            return ResolveResponse.newBuilder().setAction(Action.REDIRECT).setUrl(scheme + "://m1.example.org" + path)
                    .setMirror("m1").setLink("<" + scheme + "://m2.example.org" + path + ">; rel=duplicate; pri=1")
                    .setDigest(good ? HASHED_DIGEST : "sha-256=\r\nSet-Cookie: a=b")
                    .setMetalink(good ? path + ".meta4" : "//evil.example.org" + path + ".meta4").build();
        }
        if (path.startsWith("/missing/")) {
            return ResolveResponse.newBuilder().setAction(Action.NOT_FOUND).setReason("unknown path").build();
        }
        if (path.startsWith("/big/")) {
            byte[] body = new byte[BIG_CONTENT];
            for (int i = 0; i < body.length; i++) {
                body[i] = (byte) (i % 251);
            }
            return ResolveResponse.newBuilder().setAction(Action.CONTENT).setHttpStatus(200)
                    .setContentType("application/octet-stream").setContent(ByteString.copyFrom(body)).build();
        }
        if (path.startsWith("/nosum/")) {
            return content(404, "text/plain; charset=utf-8", "checksum not computed yet\n");
        }
        if (path.startsWith("/unsafe/")) {
            return ResolveResponse.newBuilder().setAction(Action.REDIRECT)
                    .setUrl("https://m1.example.org/x\r\nSet-Cookie: a=b").build();
        }
        if (path.startsWith("/downgrade/")) {
            return ResolveResponse.newBuilder().setAction(Action.REDIRECT).setUrl("http://m1.example.org" + path)
                    .build();
        }
        return ResolveResponse.newBuilder().setAction(Action.SERVE_LOCAL).setReason("path policy local").build();
    }

    private static ResolveResponse content(int status, String type, String body) {
        return ResolveResponse.newBuilder().setAction(Action.CONTENT).setHttpStatus(status).setContentType(type)
                .setContent(ByteString.copyFrom(body, StandardCharsets.UTF_8)).build();
    }

    void mode(Mode m) {
        mode.set(m);
    }

    List<Call> calls() {
        return calls;
    }

    Call lastCall() {
        return calls.get(calls.size() - 1);
    }

    /** Requests per batch (ResolveBatch call or ResolveStream message), in arrival order. */
    List<Integer> batchSizes() {
        return batchSizes;
    }

    /** ResolveStream calls opened so far. */
    int streamsOpened() {
        return streamsOpened.get();
    }

    int unaryCalls() {
        return unaryCalls.get();
    }

    int cancelled() {
        return cancelled.get();
    }

    int port() {
        return port;
    }

    String address() {
        return "127.0.0.1:" + port;
    }

    /** Stops now: open calls are cancelled and connections closed (clients see refused connects). */
    void stop() {
        if (server != null) {
            server.shutdownNow();
            try {
                server.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            server = null;
        }
    }

    /** Graceful restart on the same port: clients get GOAWAY on their open connections. */
    void restart() {
        server.shutdown();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        startServer();
    }

    @Override
    public void close() {
        stop();
    }
}
