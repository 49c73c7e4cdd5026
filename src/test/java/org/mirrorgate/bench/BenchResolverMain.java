package org.mirrorgate.bench;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.mirrorgate.api.ResolverService;
import org.mirrorgate.api.v1.ResolveRequest;
import org.mirrorgate.api.v1.ResolverGrpc;
import org.mirrorgate.api.v1.Scheme;
import org.mirrorgate.bench.SyntheticIndex;
import org.mirrorgate.index.Index;
import org.mirrorgate.metrics.ResolveMetrics;
import org.mirrorgate.rank.PathRules;
import org.mirrorgate.rank.RankSettings;
import org.mirrorgate.rank.Ranker;
import org.mirrorgate.resolve.ResolveSettings;
import org.mirrorgate.resolve.Resolver;
import org.mirrorgate.server.MirrorgateServer;
import org.mirrorgate.stats.DownloadRecorder;

/**
 * The gRPC side of {@code bench/nginx-bench.sh}: the service's own {@link Resolver} and {@link ResolverService}
 * on a Netty server set up like MirrorgateServer's (direct executor), over the synthetic Debian-shaped index
 * of the in-process benchmark ({@link SyntheticIndex}: files x mirrors with per-mirror availability, and a
 * synthetic GeoIP keyed by client address), Resolve, ResolveBatch and ResolveStream. Serves the service's resolve metrics (in-process decision time) on METRICS_PORT.
 * Prints "ready" once it serves.
 *
 * <p>Usage: {@code BenchResolverMain PORT FILES MIRRORS METRICS_PORT}
 */
public final class BenchResolverMain {

    private BenchResolverMain() {}

    /** Resolve calls over loopback for a few seconds, so the JIT has compiled the path before nginx calls. */
    static void warmUp(int port, int files) {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        try {
            ResolverGrpc.ResolverBlockingStub stub = ResolverGrpc.newBlockingStub(channel);
            SplittableRandom r = new SplittableRandom(1);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (System.nanoTime() < end) {
                stub.resolve(ResolveRequest.newBuilder().setPath("/debian/" + SyntheticIndex.path(r.nextInt(files)))
                        .setClientIp("198.18." + r.nextInt(256) + "." + r.nextInt(256)).setMethod("HEAD")
                        .setScheme(r.nextBoolean() ? Scheme.HTTPS : Scheme.HTTP).build());
            }
        } finally {
            channel.shutdownNow();
        }
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int files = Integer.parseInt(args[1]);
        int mirrors = Integer.parseInt(args[2]);
        int metricsPort = Integer.parseInt(args[3]);
        Index index = SyntheticIndex.build(files, mirrors, 42);
        Server server = serve(index, port, metricsPort, System.getProperty("mirrorgate.bench.uds"));
        warmUp(port, files);
        System.out.println("ready: " + files + " files x " + mirrors + " mirrors on 127.0.0.1:" + port);
        System.out.flush();
        server.awaitTermination();
    }

    /**
     * The service's Resolver and ResolverService over {@code index} on 127.0.0.1:{@code port} (and
     * on the Unix socket {@code uds} when not null), its resolve metrics on {@code metricsPort};
     * stopped by a shutdown hook.
     */
    static Server serve(Index index, int port, int metricsPort, String uds) throws Exception {
        MirrorgateServer.quietLeakDetection(); // as the service does
        PrometheusRegistry registry = new PrometheusRegistry();
        Resolver resolver = new Resolver(index, SyntheticIndex.geo(), new Ranker(RankSettings.DEFAULTS), PathRules.NONE,
                List.of(), ResolveSettings.DEFAULTS.withUrlPrefix("/debian/"), DownloadRecorder.NONE);
        ResolveMetrics resolveMetrics = new ResolveMetrics(registry);
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
                .directExecutor()
                .addService(new ResolverService(resolver, resolveMetrics))
                .build().start();
        if (uds != null) { // the same service on a Unix socket as well
            var group = new io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup(0,
                    io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler.newFactory());
            NettyServerBuilder.forAddress(new io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress(uds))
                    .bossEventLoopGroup(group).workerEventLoopGroup(group)
                    .channelType(io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel.class)
                    .directExecutor()
                    .addService(new ResolverService(resolver, resolveMetrics))
                    .build().start();
            new java.io.File(uds).setWritable(true, false);
        }
        HTTPServer metrics = HTTPServer.builder().hostname("127.0.0.1").port(metricsPort).registry(registry)
                .buildAndStart();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            metrics.stop();
            server.shutdown();
            try {
                server.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        return server;
    }
}
