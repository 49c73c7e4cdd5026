package org.mirrorgate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorgate.api.v1.Action;
import org.mirrorgate.api.v1.ResolveRequest;
import org.mirrorgate.api.v1.ResolverGrpc;
import org.mirrorgate.cli.CliAccess;
import org.mirrorgate.config.ConfigLoader;

/**
 * The warm-up's thousands of synthetic calls show nowhere (issue 14.4: ~20,000 answers in
 * {@code mirrorgate_resolves_total} right after start): not in the metrics, the statistics or the
 * download log; the first real request after it is counted in all three, once.
 */
class WarmupCountsNothingTest {

    @TempDir
    Path dir;
    private MirrorgateServer server;
    private ManagedChannel channel;

    @AfterEach
    void stop() {
        if (channel != null) {
            channel.shutdownNow();
        }
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void theWarmUpIsCountedNowhereAndARealRequestEverywhere() throws Exception {
        Path repo = dir.resolve("repo");
        Files.createDirectories(repo.resolve("pool/main/h"));
        Files.writeString(repo.resolve("pool/main/h/hello.deb"), "hello");
        Files.writeString(dir.resolve("mirrorgate.yaml"), """
                repository: {root: repo, url-prefix: /debian/}
                listen: {grpc: "127.0.0.1:0", metrics: "127.0.0.1:0"}
                resolve: {warmup-calls: 2000}
                store: {path: state, flush-interval: 100ms}
                downloads: {log-file: downloads.log, log-client-ip: full}
                mirrors:
                  - {name: m1, http-url: "http://m1.example.org/debian/", trusted: true}
                """);
        server = MirrorgateServer.create(ConfigLoader.load(dir.resolve("mirrorgate.yaml")));
        server.start();
        await().atMost(Duration.ofSeconds(60)).until(server::isServing);
        assertThat(server.warmup().batches() + server.warmup().unary()).as("it did run").isGreaterThanOrEqualTo(2000);

        String metrics = scrape();
        for (String action : new String[] {"redirect", "serve_local", "not_found", "content"}) {
            assertThat(metrics).contains("mirrorgate_resolves_total{action=\"" + action + "\"} 0.0");
        }
        assertThat(metrics).contains("mirrorgate_resolve_errors_total{status=\"invalid_argument\"} 0.0")
                .doesNotContain("mirrorgate_redirects_total{mirror=\"m1\"}")
                .doesNotContain("mirrorgate_redirect_bytes_total{mirror=\"m1\"}")
                .contains("mirrorgate_list_requests_total{kind=\"apt\"} 0.0")
                .contains("mirrorgate_resolve_unindexed_total{reason=\"not_indexed\"} 0.0")
                .contains("mirrorgate_resolve_duration_seconds_count 0")
                .contains("mirrorgate_download_log_lines_total{result=\"written\"} 0.0");
        assertThat(stats()).containsPattern("TOTAL +0 +0 B");

        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
        assertThat(ResolverGrpc.newBlockingStub(channel).resolve(ResolveRequest.newBuilder()
                .setPath("/debian/pool/main/h/hello.deb").setClientIp("192.0.2.7").build()).getAction())
                .isEqualTo(Action.REDIRECT);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(scrape())
                .contains("mirrorgate_resolves_total{action=\"redirect\"} 1.0")
                .contains("mirrorgate_redirects_total{mirror=\"m1\"} 1.0")
                .contains("mirrorgate_redirect_bytes_total{mirror=\"m1\"} 5.0")
                .contains("mirrorgate_resolves_total{action=\"not_found\"} 0.0")
                .contains("mirrorgate_download_log_lines_total{result=\"written\"} 1.0"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(stats())
                .containsPattern("TOTAL +1 +5 B"));
        assertThat(Files.readAllLines(dir.resolve("downloads.log"))).singleElement().asString()
                .contains("\"client\":\"192.0.2.7\"").contains("\"path\":\"/debian/pool/main/h/hello.deb\"");
    }

    private String stats() {
        StringWriter out = new StringWriter();
        var cli = CliAccess.commandLine();
        cli.setOut(new PrintWriter(out, true));
        assertThat(cli.execute("stats", "mirror", "m1", "--target", "127.0.0.1:" + server.grpcPort(),
                "--from", "today")).isZero();
        return out.toString();
    }

    private String scrape() throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.metricsPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
