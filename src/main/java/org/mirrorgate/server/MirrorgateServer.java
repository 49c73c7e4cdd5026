package org.mirrorgate.server;

import static java.util.Objects.requireNonNull;

import io.grpc.ManagedChannel;
import io.grpc.stub.MetadataUtils;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.mirrorgate.api.AdminAuthInterceptor;
import org.mirrorgate.api.ResolverService;
import org.mirrorgate.api.SyntheticCalls;
import org.mirrorgate.api.v1.ResolverGrpc;
import org.mirrorgate.config.MirrorgateConfig;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.metrics.IndexMetrics;
import org.mirrorgate.metrics.ResolveMetrics;
import org.mirrorgate.tls.ServerTls;
import org.mirrorgate.tls.TlsFileException;
import org.mirrorgate.tls.TlsSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running service: gRPC (Resolver, MirrorAdmin, health, reflection) on one port (with TLS
 * when listen.tls says so) and optionally a Unix socket (always plaintext), the Prometheus
 * endpoint on another port, and the background work that keeps the index true.
 *
 * <p>Resolve runs on the transport threads ({@code directExecutor()}): it never blocks, and a hop
 * to a thread pool costs ~5x the CPU of the call itself (nginx-lua-grpc.md). Every other RPC is
 * in-memory too; anything slow (a scan) runs on its own executor and only streams back.
 */
public final class MirrorgateServer {

    private static final Logger log = LoggerFactory.getLogger(MirrorgateServer.class);
    /** Requests are a path and an address: anything bigger is not ours. */
    private static final int MAX_INBOUND_MESSAGE_BYTES = 64 * 1024;

    private final MirrorgateConfig config;
    private final Services services;
    /** Whether SIGHUP reloads the config file (the service was started from one). */
    private final boolean reloadOnHangup;
    private final HealthStatusManager health = new HealthStatusManager();
    private final ExecutorService lifecycle = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "mirrorgate-lifecycle");
        t.setDaemon(true);
        return t;
    });
    private Server grpc;
    private UnixSocketListener unixSocket;
    private ServerTls serverTls;
    private HTTPServer metricsServer;
    private volatile boolean warmedUp;
    /** Set first thing in {@link #stop}: no warm-up starts after it (the walker may still publish). */
    private volatile boolean stopping;
    /** The bound port, read once: the server's own getPort() throws once it is terminated. */
    private volatile int boundPort = -1;
    private volatile Warmup.Result warmup;
    /** Marks the warm-up's calls, so they are counted nowhere. */
    private final SyntheticCalls synthetic = new SyntheticCalls();
    /**
     * The warm-up's safety limit, separate from its call count: it stops earlier once the count is
     * done and the stream path is warm (Warmup). Only a machine too loaded to warm up in this long
     * reaches it, and then serving beats Nginx failing open for good.
     */
    static final Duration WARMUP_CEILING = Duration.ofSeconds(60);

    private MirrorgateServer(MirrorgateConfig config, Services services, boolean reloadOnHangup) {
        this.config = requireNonNull(config, "config");
        this.services = requireNonNull(services, "services");
        this.reloadOnHangup = reloadOnHangup;
    }

    /**
     * Builds every component from a config that has no file to read again (Reload is refused);
     * nothing listens or runs until {@link #start()}.
     */
    public static MirrorgateServer create(MirrorgateConfig config) throws IOException {
        return create(config, null);
    }

    /**
     * Builds every component from {@code config}, read from {@code configFile}: SIGHUP and the
     * Reload RPC read that file again. Nothing listens or runs until {@link #start()}.
     */
    public static MirrorgateServer create(MirrorgateConfig config, java.nio.file.Path configFile) throws IOException {
        quietLeakDetection();
        JulBridge.install(); // before grpc-java's first line: every line in the service's format
        return new MirrorgateServer(config, Services.create(config, configFile), configFile != null);
    }

    static final String LEAK_DETECTION = "io.grpc.netty.shaded.io.netty.leakDetection.level";

    /**
     * Netty's buffer leak detector, unless the operator set it: off. By default it samples one buffer
     * in 128 and records a stack trace for it, ~1.5 % of the service's CPU under load (profiled); the
     * buffers are grpc-java's own, so a leak report would be theirs to fix. Must run before the
     * first buffer is allocated (the detector reads the level once).
     */
    public static void quietLeakDetection() {
        if (System.getProperty(LEAK_DETECTION) == null) {
            System.setProperty(LEAK_DETECTION, "disabled");
        }
    }

    public synchronized void start() throws IOException {
        health.setStatus("", ServingStatus.NOT_SERVING);
        health.setStatus(ResolverGrpc.SERVICE_NAME, ServingStatus.NOT_SERVING);
        PrometheusRegistry registry = services.registry();
        ResolveMetrics resolveMetrics = new ResolveMetrics(registry);
        IndexMetrics.register(registry, services.index());
        JvmMetrics.builder().register(registry);
        RateLimitedLogFilter.registerMetrics(registry);
        MirrorgateConfig.HostPort listen = config.listen().grpc();
        ResolverService resolver = new ResolverService(services.liveResolver(), resolveMetrics);
        String token = adminToken();
        Function<AdminAuthInterceptor, UnaryOperator<NettyServerBuilder>> bind = auth -> b -> b
                .directExecutor()
                .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
                .permitKeepAliveWithoutCalls(true)
                .permitKeepAliveTime(10, TimeUnit.SECONDS)
                // every service guarded: a request that does not parse is INVALID_ARGUMENT, not a trace
                .addService(MalformedRequests.guard(ServerInterceptors.intercept(resolver, synthetic)))
                .addService(MalformedRequests.guard(ServerInterceptors.intercept(services.admin(), auth)))
                .addService(MalformedRequests.guard(health.getHealthService().bindService()))
                .addService(MalformedRequests.guard(ProtoReflectionServiceV1.newInstance().bindService()));
        InetSocketAddress address = new InetSocketAddress(listen.host(), listen.port());
        if (config.listen().tls().enabled()) {
            try {
                serverTls = ServerTls.start(config.listen().tls());
            } catch (TlsFileException e) {
                throw new IOException(e.getMessage(), e);
            }
        }
        try {
            grpc = bind.apply(new AdminAuthInterceptor(token)).apply(serverTls == null ? NettyServerBuilder.forAddress(address)
                    : NettyServerBuilder.forAddress(address, serverTls.serverCredentials())).build().start();
        } catch (IOException | RuntimeException e) {
            closeTls();
            throw e;
        }
        boundPort = grpc.getPort();
        MirrorgateConfig.UnixSocket socket = config.listen().socket();
        if (socket != null) {
            try {
                unixSocket = UnixSocketListener.start(socket,
                        bind.apply(AdminAuthInterceptor.forUnixSocket(token, socket.adminWithoutToken())));
            } catch (IOException e) {
                shutdownBounded(grpc);
                closeTls();
                throw e;
            }
        }
        if (config.listen().metrics() != null) {
            metricsServer = HTTPServer.builder().hostname(config.listen().metrics().host())
                    .port(config.listen().metrics().port()).registry(registry).buildAndStart();
        }
        services.index().addListener((prev, next) -> {
            if (next.ready() && !warmedUp) {
                queueWarmup();
            }
        });
        services.start();
        if (reloadOnHangup) {
            ReloadSignal.install(services.reloads());
        }
        if (services.index().snapshot().ready()) {
            queueWarmup();
        }
        log.info("mirrorgate listening: grpc {}:{}{}{}{}, {} mirrors, repository {}", listen.host(), grpcPort(),
                serverTls == null ? "" : " (TLS" + (config.listen().tls().clientAuth() == TlsSettings.ClientAuth.NONE ? ""
                        : ", client certificates " + config.listen().tls().clientAuth().key()) + ")",
                unixSocket == null ? "" : " and unix:" + unixSocket.path(),
                metricsServer == null ? "" : ", metrics http://" + config.listen().metrics().host() + ":"
                        + metricsServer.getPort() + "/metrics",
                config.mirrors().size(), config.repository().root());
    }

    /**
     * Runs the warm-up on the lifecycle thread, unless the server is stopping: the index's listeners
     * run on the walker's and hasher's threads, and one that publishes while stop() runs must not
     * die of the closed executor.
     */
    private void queueWarmup() {
        if (stopping) {
            return;
        }
        try {
            lifecycle.execute(this::warmUpThenServe);
        } catch (RejectedExecutionException e) {
            log.debug("warm-up not started: the server is stopping");
        }
    }

    private void warmUpThenServe() {
        if (warmedUp || stopping) {
            return;
        }
        IndexSnapshot snap = services.index().snapshot();
        NettyChannelBuilder own = serverTls == null
                ? NettyChannelBuilder.forAddress("127.0.0.1", grpcPort()).usePlaintext()
                : NettyChannelBuilder.forAddress("127.0.0.1", grpcPort(), serverTls.selfCredentials());
        ManagedChannel channel = own.intercept(MetadataUtils.newAttachHeadersInterceptor(synthetic.header())).build();
        warmup = Warmup.run(channel, snap, config.resolve().urlPrefix(), config.resolve().warmupCalls(), WARMUP_CEILING);
        if (stopping) {
            return; // cut short by stop(): its calls failed, and health is terminal
        }
        warmedUp = true;
        health.setStatus("", ServingStatus.SERVING);
        health.setStatus(ResolverGrpc.SERVICE_NAME, ServingStatus.SERVING);
        log.info("serving: {} files indexed", snap.files().fileCount());
    }

    /** True once the index is built and the request path warmed up (health says SERVING). */
    public boolean isServing() {
        return warmedUp;
    }

    /** What the warm-up ran, once it has (tests, diagnostics); null before. */
    Warmup.Result warmup() {
        return warmup;
    }

    /** The Unix socket gRPC also listens on, or null. */
    public java.nio.file.Path grpcSocket() {
        return unixSocket == null ? null : unixSocket.path();
    }

    public int grpcPort() {
        return boundPort;
    }

    /** The metrics port, or -1 when metrics are off. */
    public int metricsPort() {
        return metricsServer == null ? -1 : metricsServer.getPort();
    }

    public Services services() {
        return services;
    }

    /** Stops taking calls, lets calls in flight finish (bounded), then stops background work. */
    public synchronized void stop() {
        stopping = true;
        health.enterTerminalState();
        if (unixSocket != null) {
            unixSocket.close();
        }
        if (grpc != null) {
            shutdownBounded(grpc);
        }
        if (metricsServer != null) {
            metricsServer.stop();
        }
        closeTls();
        lifecycle.shutdownNow();
        try { // bounded: a warm-up in progress ends at its next call, which fails on the closed server
            if (!lifecycle.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("the warm-up did not end within 5 s of stopping; going on");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        services.stop();
    }

    private void closeTls() {
        if (serverTls != null) {
            serverTls.close();
        }
    }

    /** The TLS identity of the gRPC TCP listener, or null without listen.tls (tests watch its reloads). */
    ServerTls tls() {
        return serverTls;
    }

    /** Stops taking calls and gives the ones in flight up to 5 s. */
    static void shutdownBounded(Server server) {
        server.shutdown();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    public void blockUntilShutdown() throws InterruptedException {
        grpc.awaitTermination();
    }

    private String adminToken() throws IOException {
        if (config.adminTokenFile() == null) {
            return null;
        }
        String token = Files.readString(config.adminTokenFile(), StandardCharsets.UTF_8).trim();
        if (token.length() < 16) {
            throw new IOException("admin.token-file " + config.adminTokenFile() + ": token of " + token.length()
                    + " characters (expected: at least 16; e.g. head -c 24 /dev/urandom | base64)");
        }
        return token;
    }
}
