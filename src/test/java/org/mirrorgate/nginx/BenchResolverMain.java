package org.mirrorgate.nginx;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.mirrorgate.api.ResolverService;
import org.mirrorgate.bench.SyntheticIndex;
import org.mirrorgate.index.Index;
import org.mirrorgate.metrics.ResolveMetrics;
import org.mirrorgate.rank.PathRules;
import org.mirrorgate.rank.RankSettings;
import org.mirrorgate.rank.Ranker;
import org.mirrorgate.resolve.ResolveSettings;
import org.mirrorgate.resolve.Resolver;
import org.mirrorgate.stats.DownloadRecorder;

/**
 * The gRPC side of {@code bench/nginx-bench.sh}: the service's own {@link Resolver} and {@link ResolverService}
 * on a Netty server set up like MirrorgateServer's (direct executor), over the synthetic Debian-shaped index
 * of the in-process benchmark ({@link SyntheticIndex}: files x mirrors with per-mirror availability, and a
 * synthetic GeoIP keyed by client address). Prints "ready" once it serves.
 *
 * <p>Usage: {@code BenchResolverMain PORT FILES MIRRORS}
 */
public final class BenchResolverMain {

    private BenchResolverMain() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int files = Integer.parseInt(args[1]);
        int mirrors = Integer.parseInt(args[2]);
        Index index = SyntheticIndex.build(files, mirrors, 42);
        Resolver resolver = new Resolver(index, SyntheticIndex.geo(), new Ranker(RankSettings.DEFAULTS), PathRules.NONE,
                List.of(), new ResolveSettings("/debian/", 5, 65_536), DownloadRecorder.NONE);
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
                .directExecutor()
                .addService(new ResolverService(resolver, new ResolveMetrics(new PrometheusRegistry())))
                .build().start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown();
            try {
                server.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        System.out.println("ready: " + files + " files x " + mirrors + " mirrors on 127.0.0.1:" + port);
        System.out.flush();
        server.awaitTermination();
    }
}
