package org.mirrorgate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorgate.api.v1.Action;
import org.mirrorgate.api.v1.ResolveRequest;
import org.mirrorgate.api.v1.ResolveResponse;
import org.mirrorgate.api.v1.ResolverGrpc;
import org.mirrorgate.api.v1.Scheme;
import org.mirrorgate.config.ConfigLoader;

/** The whole service on a real Netty port: local tree indexed, health, reflection, metrics, CLI. */
class MirrorgateServerTest {

    @TempDir
    Path dir;
    private MirrorgateServer server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        Path repo = dir.resolve("repo");
        Files.createDirectories(repo.resolve("pool/main/h"));
        Files.writeString(repo.resolve("pool/main/h/hello.deb"), "hello");
        Files.writeString(dir.resolve("mirrorgate.yaml"), """
                repository: {root: repo, url-prefix: /debian/}
                listen: {grpc: "127.0.0.1:0", metrics: "127.0.0.1:0"}
                resolve: {warmup-calls: 100}
                store: {path: state}
                mirrors:
                  - {name: m1, https-url: "https://m1.example.org/debian/", trusted: true}
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
    void turnsNettysLeakDetectorOffUnlessTheOperatorChoseALevel() {
        // create() in setUp already ran: no level was given to this JVM
        assertThat(System.getProperty(MirrorgateServer.LEAK_DETECTION)).isEqualTo("disabled");
        System.setProperty(MirrorgateServer.LEAK_DETECTION, "paranoid");
        try {
            MirrorgateServer.quietLeakDetection();
            assertThat(System.getProperty(MirrorgateServer.LEAK_DETECTION)).isEqualTo("paranoid");
        } finally {
            System.setProperty(MirrorgateServer.LEAK_DETECTION, "disabled");
        }
    }

    @Test
    void aServerStoppedWhileStartingLeavesNoThreadDyingOfAnException() throws Exception {
        // issue 16.5: the walker's publication queued a warm-up on the closed executor, and a
        // warm-up asked the terminated gRPC server for its port: two uncaught stack traces on stderr
        Files.writeString(dir.resolve("second.yaml"), Files.readString(dir.resolve("mirrorgate.yaml"))
                .replace("store: {path: state}", "store: {path: state2}").replace("warmup-calls: 100", "warmup-calls: 20000"));
        List<Throwable> uncaught = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> uncaught.add(e));
        try {
            for (int i = 0; i < 6; i++) {
                MirrorgateServer s = MirrorgateServer.create(ConfigLoader.load(dir.resolve("second.yaml")));
                s.start();
                if (i % 2 == 1) { // and once the warm-up runs
                    MirrorgateServer started = s;
                    await().atMost(Duration.ofSeconds(30)).until(() -> started.services().index().snapshot().ready());
                }
                s.stop();
            }
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(before);
        }
        assertThat(uncaught).isEmpty();
    }

    @Test
    void reportsServingOnceTheTreeIsIndexedAndWarmedUp() {
        HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
        await().atMost(Duration.ofSeconds(30)).until(() -> health.check(HealthCheckRequest.newBuilder()
                .setService(ResolverGrpc.SERVICE_NAME).build()).getStatus() == ServingStatus.SERVING);
        Warmup.Result warm = server.warmup();
        assertThat(warm).as("SERVING only after the warm-up").isNotNull();
        assertThat(warm.batches()).as("the path Nginx uses, ResolveStream").isGreaterThanOrEqualTo(80);
        assertThat(warm.unary()).isEqualTo(20);
        ResolveResponse r = ResolverGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                .resolve(ResolveRequest.newBuilder().setPath("/debian/pool/main/h/hello.deb").setClientIp("192.0.2.7")
                        .setScheme(Scheme.HTTPS).build());
        assertThat(r.getAction()).isEqualTo(Action.REDIRECT);
        assertThat(r.getUrl()).isEqualTo("https://m1.example.org/debian/pool/main/h/hello.deb");
    }

    @Test
    void listsItsServicesThroughReflectionAsGrpcurlDoes() throws Exception {
        CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel).serverReflectionInfo(
                new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse value) {
                        answer.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        answer.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {}
                });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        List<String> services = answer.get(5, TimeUnit.SECONDS).getListServicesResponse().getServiceList().stream()
                .map(s -> s.getName()).toList();
        requests.onCompleted();
        assertThat(services).contains("mirrorgate.v1.Resolver", "mirrorgate.v1.MirrorAdmin", "grpc.health.v1.Health");
    }

    @Test
    void exportsResolveIndexRepositoryAndStoreMetrics() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(server::isServing);
        ResolverGrpc.newBlockingStub(channel).resolve(ResolveRequest.newBuilder()
                .setPath("/debian/pool/main/h/hello.deb").setClientIp("192.0.2.7").setScheme(Scheme.HTTPS).build());
        // The watcher registers the tree on a thread of its own: awaited, not assumed.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(scrape())
                .contains("mirrorgate_resolves_total{action=\"redirect\"}")
                .contains("mirrorgate_resolve_duration_seconds_bucket")
                .contains("mirrorgate_redirects_total{mirror=\"m1\"} ")
                .contains("mirrorgate_redirect_bytes_total{mirror=\"m1\"} ")
                .contains("mirrorgate_index_files{state=\"present\"} 1.0")
                .contains("mirrorgate_mirrors{protocol=\"https\",state=\"unknown\"} 1.0")
                .contains("mirrorgate_index_gap_rows{measure=\"bytes\"}")
                .contains("mirrorgate_repository_walking 1.0")
                .contains("mirrorgate_repository_last_walk_files 1.0")
                .contains("mirrorgate_repository_walks_total{result=\"ok\"}")
                .contains("mirrorgate_repository_changes_total{change=\"added\"} 1.0")
                .contains("mirrorgate_repository_watched_directories 4.0")
                .contains("mirrorgate_repository_watch_limit_reached 0.0")
                .contains("mirrorgate_store_healthy 1.0")
                .contains("mirrorgate_store_pending{kind=\"events\"}")
                .contains("mirrorgate_store_dropped_total{kind=\"stats\"} 0.0")
                .contains("jvm_memory_used_bytes"));
    }

    private String scrape() throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.metricsPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void rebuildsTheGapRowsInTheBackgroundOnceTheIndexChanged() {
        // The first local walk makes the (empty) rows stale; the refresher rebuilds them ~2 s later.
        HttpRequest scrape = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.metricsPort() + "/metrics")).build();
        await().atMost(Duration.ofSeconds(30)).until(() -> HttpClient.newHttpClient()
                .send(scrape, HttpResponse.BodyHandlers.ofString()).body()
                .contains("mirrorgate_index_gap_rows{measure=\"current\"} 1.0"));
    }

    @Test
    void rejectsOversizedRequestsWithoutHarm() {
        await().atMost(Duration.ofSeconds(30)).until(server::isServing);
        String huge = "/" + "a".repeat(100_000);
        assertThatThrownBy(() -> ResolverGrpc.newBlockingStub(channel).resolve(ResolveRequest.newBuilder()
                .setPath(huge).setClientIp("192.0.2.1").build()))
                .isInstanceOf(StatusRuntimeException.class).hasMessageContaining("RESOURCE_EXHAUSTED");
        ResolveResponse ok = ResolverGrpc.newBlockingStub(channel).resolve(ResolveRequest.newBuilder()
                .setPath("/debian/pool/main/h/hello.deb").setClientIp("192.0.2.1").build());
        assertThat(ok.getAction()).as("plain http: the https-only mirror cannot serve it").isEqualTo(Action.SERVE_LOCAL);
    }

    @Test
    void theCliTalksToTheRunningService() {
        await().atMost(Duration.ofSeconds(30)).until(server::isServing);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        var cli = org.mirrorgate.cli.CliAccess.commandLine();
        cli.setOut(new PrintWriter(out, true));
        int code = cli.execute("explain", "--target", "127.0.0.1:" + server.grpcPort(),
                "/debian/pool/main/h/hello.deb", "--ip", "192.0.2.1", "--https");
        assertThat(code).isZero();
        assertThat(out.toString()).contains("decision: REDIRECT https://m1.example.org/debian/pool/main/h/hello.deb")
                .containsPattern("m1 +accepted");
        assertThat(cli.execute("disable", "--target", "127.0.0.1:" + server.grpcPort(), "m1")).isZero();
        assertThat(out.toString()).contains("m1: disabled");
        assertThat(server.services().index().snapshot().state(0).enabled()).isFalse();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        cli.setErr(new PrintWriter(err, true));
        assertThat(cli.execute("mirror", "--target", "127.0.0.1:" + server.grpcPort(), "nope")).isEqualTo(1);
        assertThat(err.toString()).contains("NOT_FOUND: mirror: nope (expected: one of [m1])");
    }
}
