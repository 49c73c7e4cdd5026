package org.mirrorgate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorgate.api.v1.Action;
import org.mirrorgate.api.v1.ExplainRequest;
import org.mirrorgate.api.v1.ExplainResponse;
import org.mirrorgate.api.v1.GetMirrorRequest;
import org.mirrorgate.api.v1.MirrorAdminGrpc;
import org.mirrorgate.api.v1.MirrorVerdict;
import org.mirrorgate.api.v1.ResolveRequest;
import org.mirrorgate.api.v1.ResolveResponse;
import org.mirrorgate.api.v1.ResolverGrpc;
import org.mirrorgate.api.v1.Scheme;
import org.mirrorgate.config.ConfigLoader;

/**
 * The capacity loop in the running service: real downloads through Resolve are metered, the
 * governor learns within its periods that a mirror is over its {@code max-mbps}, and from then on
 * most of its requests go to the other; Explain, GetMirror and /metrics say so.
 */
class CapacityBalancingIT {

    @TempDir
    Path dir;
    private MirrorgateServer server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        Path repo = dir.resolve("repo");
        Files.createDirectories(repo.resolve("iso"));
        Files.write(repo.resolve("iso/big.iso"), new byte[1_000_000]); // 8 Mbit per download
        Files.writeString(dir.resolve("mirrorgate.yaml"), """
                repository: {root: repo, url-prefix: /}
                listen: {grpc: "127.0.0.1:0", metrics: "127.0.0.1:0"}
                resolve: {warmup-calls: 0}
                store: {path: state}
                mirrors:
                  - {name: small, http-url: "http://small.example/", trusted: true, max-mbps: 10}
                  - {name: large, http-url: "http://large.example/", trusted: true}
                """);
        server = MirrorgateServer.create(ConfigLoader.load(dir.resolve("mirrorgate.yaml")));
        server.start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.stop();
    }

    @Test
    void aMirrorOverItsBandwidthKeepsOnlyPartOfItsRequestsOnceTheServiceHasLearntItsLoad() throws Exception {
        var resolver = ResolverGrpc.newBlockingStub(channel);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger client = new AtomicInteger();
        // Downloads of 8 Mbit as fast as one client thread goes, half of them drawn for "small":
        // far over its 10 Mbit/s.
        Thread load = new Thread(() -> {
            while (running.get()) {
                int c = client.incrementAndGet();
                resolver.resolve(ResolveRequest.newBuilder().setPath("/iso/big.iso")
                        .setClientIp("10." + (c >> 16 & 255) + "." + (c >> 8 & 255) + "." + (c & 255))
                        .setScheme(Scheme.HTTP).setMethod("GET").build());
            }
        }, "capacity-it-load");
        load.start();
        try {
            var admin = MirrorAdminGrpc.newBlockingStub(channel);
            await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200)).until(() ->
                    admin.getMirror(GetMirrorRequest.newBuilder().setName("small").build()).getAdmittedShare() < 0.2);
            var small = admin.getMirror(GetMirrorRequest.newBuilder().setName("small").build());
            assertThat(small.getMaxMbps()).isEqualTo(10);
            assertThat(small.getLoadMbps()).isPositive();
            assertThat(admin.getMirror(GetMirrorRequest.newBuilder().setName("large").build()).getAdmittedShare())
                    .isEqualTo(1);

            ExplainResponse explain = admin.explain(ExplainRequest.newBuilder().setPath("/iso/big.iso")
                    .setClientIp("192.0.2.7").setScheme(Scheme.HTTP).build());
            MirrorVerdict v = explain.getVerdictsList().stream().filter(x -> x.getMirror().equals("small")).findFirst()
                    .orElseThrow();
            assertThat(v.getAccepted()).isTrue();
            assertThat(v.getLoad()).startsWith("over capacity: keeps ").contains("max 10 Mbit/s");
            assertThat(v.getProbability()).isLessThan(0.15);

            int toSmall = 0;
            for (int i = 0; i < 400; i++) {
                ResolveResponse r = resolver.resolve(ResolveRequest.newBuilder().setPath("/iso/big.iso")
                        .setClientIp("198.51.100." + (i % 250 + 1)).setScheme(Scheme.HTTP).setMethod("HEAD").build());
                assertThat(r.getAction()).isEqualTo(Action.REDIRECT);
                toSmall += r.getUrl().startsWith("http://small.example/") ? 1 : 0;
            }
            assertThat(toSmall).as("of 400, where half went before").isLessThan(80);

            HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.metricsPort() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.body()).containsPattern("mirrorgate_mirror_admitted_share\\{mirror=\"small\"} 0\\.")
                    .contains("mirrorgate_mirror_admitted_share{mirror=\"large\"} 1.0")
                    .contains("mirrorgate_mirror_load_mbps{mirror=\"small\"}");
        } finally {
            running.set(false);
            load.join();
        }
    }
}
