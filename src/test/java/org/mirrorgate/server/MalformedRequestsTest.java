package org.mirrorgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorgate.api.v1.MirrorAdminGrpc;
import org.mirrorgate.api.v1.ResolverGrpc;
import org.mirrorgate.config.ConfigLoader;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Garbage bytes to any RPC of the real service on a real port (issue 13, item 1): INVALID_ARGUMENT
 * with a short description, not {@code UNKNOWN} and a 6.6 KB SEVERE trace per call; the lines a
 * client triggers this way are rate-limited and the rest counted in a metric.
 */
class MalformedRequestsTest {

    /** Six bytes that are no protobuf message: a varint that never ends. */
    private static final byte[] GARBAGE = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};
    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
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

    @TempDir
    Path dir;
    private MirrorgateServer server;
    private ManagedChannel channel;
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    @BeforeEach
    void start() throws Exception {
        Files.createDirectories(dir.resolve("repo/pool"));
        Files.writeString(dir.resolve("repo/pool/a.deb"), "a");
        Files.writeString(dir.resolve("mirrorgate.yaml"), """
                repository: {root: repo, url-prefix: /debian/}
                listen: {grpc: "127.0.0.1:0", metrics: "127.0.0.1:0"}
                resolve: {warmup-calls: 10}
                store: {path: state}
                mirrors:
                  - {name: m1, https-url: "https://m1.example.org/debian/", trusted: true}
                """);
        server = MirrorgateServer.create(ConfigLoader.load(dir.resolve("mirrorgate.yaml")));
        server.start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
        logged.start();
        root.addAppender(logged);
    }

    @AfterEach
    void stop() {
        root.detachAppender(logged);
        channel.shutdownNow();
        server.stop();
    }

    private Status sendGarbage(MethodDescriptor<?, ?> method) throws Exception {
        ClientCall<byte[], byte[]> call = channel.newCall(method.toBuilder(BYTES, BYTES).build(),
                CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS));
        CompletableFuture<Status> closed = new CompletableFuture<>();
        call.start(new ClientCall.Listener<>() {
            @Override
            public void onClose(Status status, Metadata trailers) {
                closed.complete(status);
            }
        }, new Metadata());
        call.request(1);
        call.sendMessage(GARBAGE);
        if (method.getType().clientSendsOneMessage()) {
            call.halfClose();
        }
        return closed.get(10, TimeUnit.SECONDS);
    }

    @Test
    void garbageToEveryRpcOfEveryServiceIsInvalidArgumentWithAShortReason() throws Exception {
        List<ServiceDescriptor> services = List.of(ResolverGrpc.getServiceDescriptor(),
                MirrorAdminGrpc.getServiceDescriptor(), HealthGrpc.getServiceDescriptor(),
                ServerReflectionGrpc.getServiceDescriptor());
        List<String> checked = new ArrayList<>();
        for (ServiceDescriptor service : services) {
            for (MethodDescriptor<?, ?> method : service.getMethods()) {
                Status s = sendGarbage(method);
                assertThat(s.getCode()).as(method.getFullMethodName()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(s.getDescription()).as(method.getFullMethodName())
                        .startsWith("request: not a valid message for " + method.getFullMethodName() + " (")
                        .contains("Invalid protobuf byte sequence").hasSizeLessThan(400);
                checked.add(method.getFullMethodName());
            }
        }
        assertThat(checked).contains("mirrorgate.v1.Resolver/ResolveStream", "mirrorgate.v1.MirrorAdmin/ScanMirror",
                "grpc.health.v1.Health/Watch", "grpc.reflection.v1.ServerReflection/ServerReflectionInfo");
        assertThat(logged.list).noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN));
        // the service still answers well-formed calls on the same connection
        assertThat(HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                .check(io.grpc.health.v1.HealthCheckRequest.getDefaultInstance())).isNotNull();
    }

    @Test
    void fiveHundredGarbageCallsWriteAFewRateLimitedLinesAndCountTheRest() throws Exception {
        String logger = MalformedRequests.class.getName();
        long suppressedBefore = RateLimitedLogFilter.suppressed().getOrDefault(logger, 0L);
        long start = System.nanoTime();
        for (int i = 0; i < 500; i++) {
            assertThat(sendGarbage(ResolverGrpc.getResolveMethod()).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) + 1;
        List<ILoggingEvent> lines = List.copyOf(logged.list);
        List<ILoggingEvent> limited = lines.stream().filter(e -> e.getLoggerName().equals(logger)
                || e.getLoggerName().startsWith("io.grpc")).toList();

        // burst 20, then one a second (logback-test.xml, as logback.xml); the rest: start-up lines
        assertThat(limited).hasSizeLessThanOrEqualTo((int) (20 + seconds));
        assertThat(lines).hasSizeLessThanOrEqualTo(limited.size() + 10);
        assertThat(lines).allSatisfy(e -> assertThat(e.getThrowableProxy()).isNull());
        assertThat(lines.stream().mapToInt(e -> e.getFormattedMessage().length()).sum()).isLessThan(20 * 400);
        long suppressed = RateLimitedLogFilter.suppressed().getOrDefault(logger, 0L) - suppressedBefore;
        long ours = lines.stream().filter(e -> e.getLoggerName().equals(logger)).count();
        assertThat(suppressed).isEqualTo(500 - ours);

        HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.metricsPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher m = Pattern.compile("mirrorgate_log_lines_suppressed_total\\{logger=\"" + Pattern.quote(logger)
                + "\"} (\\S+)").matcher(metrics.body());
        assertThat(m.find()).as(metrics.body()).isTrue();
        assertThat(Double.parseDouble(m.group(1))).isGreaterThanOrEqualTo(suppressed);
    }

    @Test
    void anOversizedRequestIsOneInfoLineWithItsStatusNotAWarningWithATrace() throws Exception {
        byte[] huge = new byte[100_000]; // over the 64 KiB limit: grpc-netty refuses it before parsing
        ClientCall<byte[], byte[]> call = channel.newCall(ResolverGrpc.getResolveMethod().toBuilder(BYTES, BYTES)
                .build(), CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS));
        CompletableFuture<Status> closed = new CompletableFuture<>();
        call.start(new ClientCall.Listener<>() {
            @Override
            public void onClose(Status status, Metadata trailers) {
                closed.complete(status);
            }
        }, new Metadata());
        call.request(1);
        call.sendMessage(huge);
        call.halfClose();
        assertThat(closed.get(10, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);

        List<ILoggingEvent> lines = List.copyOf(logged.list);
        assertThat(lines).noneMatch(e -> e.getLoggerName().startsWith("io.grpc"));
        assertThat(lines.stream().filter(e -> e.getFormattedMessage().contains("RESOURCE_EXHAUSTED"))).singleElement()
                .satisfies(e -> {
            assertThat(e.getLoggerName()).isEqualTo(TransportStatusLogFilter.LOGGER);
            assertThat(e.getLevel()).isEqualTo(Level.INFO);
            assertThat(e.getThrowableProxy()).isNull();
            assertThat(e.getFormattedMessage()).contains("RESOURCE_EXHAUSTED: gRPC message exceeds maximum size")
                    .contains("nothing to do").doesNotContain("\n");
                });
    }

    @Test
    void grpcJavaUtilLoggingLinesGoThroughTheServiceLogNotJulsConsole() {
        java.util.logging.Handler[] handlers = java.util.logging.Logger.getLogger("").getHandlers();
        assertThat(handlers).as(Arrays.toString(handlers)).isNotEmpty().allMatch(SLF4JBridgeHandler.class::isInstance);

        java.util.logging.Logger.getLogger("io.grpc.internal.SerializingExecutor")
                .severe("Exception while executing runnable (from the test)");
        // a copy: the service's threads append to the list while it is read
        assertThat(List.copyOf(logged.list)).anySatisfy(e -> {
            assertThat(e.getLoggerName()).isEqualTo("io.grpc.internal.SerializingExecutor");
            assertThat(e.getLevel()).isEqualTo(Level.ERROR);
        });
    }
}
