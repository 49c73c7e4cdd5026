package org.mirrorgate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorgate.store.ChildJvm;
import org.mirrorgate.testing.FreePorts;
import org.mirrorgate.testing.GatewayNginx;

/**
 * kill -9 of the service under load (issue 13, item 8): downloads keep working (served by nginx)
 * and nginx's error log stays bounded: the hook's own lines, no {@code connect() failed}, and at most
 * one {@code recv() failed (104: Connection reset by peer)} per connection that had bytes in flight
 * when the service died (nginx core logs that one whatever lua_socket_log_errors says).
 */
class ServiceKillLogIT {

    private static final int ROUNDS = 3;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "unix"})
    void killingTheServiceUnderLoadFailsNoDownloadAndLeavesABoundedErrorLog(String transport) throws Exception {
        Assumptions.assumeTrue(GatewayNginx.available(), "nginx with the Lua module");
        Files.createDirectories(dir.resolve("repo/pool"));
        Files.writeString(dir.resolve("repo/pool/a.deb"), "a");
        int grpc = FreePorts.next();
        Path config = dir.resolve("mirrorgate.yaml");
        Files.writeString(config, """
                repository: {root: repo, url-prefix: /debian/}
                listen: {grpc: "127.0.0.1:%d", grpc-socket: "%s"}
                resolve: {warmup-calls: 10}
                mirrors:
                  - {name: m1, https-url: "https://m1.example.org/debian/", trusted: true}
                """.formatted(grpc, dir.resolve("grpc.sock")));
        String replica = transport.equals("unix") ? "unix:" + dir.resolve("grpc.sock") : "127.0.0.1:" + grpc;
        int http = FreePorts.next();
        try (GatewayNginx nginx = GatewayNginx.start(dir.resolve("gateway"), http, Map.of("ROOT",
                dir.resolve("repo").toString(), "URL_PREFIX", "/debian/", "REPLICAS", replica,
                "WORKERS", "2"))) {
            HttpClient client = HttpClient.newHttpClient();
            HttpRequest get = HttpRequest.newBuilder(URI.create(nginx.origin() + "/debian/pool/a.deb")).build();
            AtomicInteger failed = new AtomicInteger();
            AtomicInteger done = new AtomicInteger();
            AtomicBoolean running = new AtomicBoolean(true);
            Thread[] load = new Thread[4];
            for (int t = 0; t < load.length; t++) {
                load[t] = new Thread(() -> {
                    while (running.get()) {
                        try {
                            int status = client.send(get, HttpResponse.BodyHandlers.discarding()).statusCode();
                            if (status != 200 && status != 302) {
                                failed.incrementAndGet();
                            }
                        } catch (Exception e) {
                            failed.incrementAndGet();
                        }
                        done.incrementAndGet();
                    }
                });
                load[t].start();
            }
            try {
                for (int round = 0; round < ROUNDS; round++) {
                    try (ChildJvm child = ChildJvm.start(ServerMain.class, config.toString())) {
                        child.awaitLine("PORT ", Duration.ofSeconds(60));
                        int before = done.get();
                        await().atMost(Duration.ofSeconds(30)).until(() -> done.get() > before + 200);
                        child.kill9();
                    }
                    int after = done.get();
                    await().atMost(Duration.ofSeconds(30)).until(() -> done.get() > after + 200);
                }
            } finally {
                running.set(false);
                for (Thread t : load) {
                    t.join();
                }
            }
            String log = nginx.errorLog();
            List<String> resets = Arrays.stream(log.split("\n")).filter(l -> l.contains("recv() failed")).toList();
            List<String> errors = nginx.unexpectedErrors("recv() failed (104: Connection reset by peer)");
            System.out.println(transport + ": requests=" + done.get() + " failed=" + failed.get() + " resets="
                    + resets.size() + " errors=" + errors.size());
            assertThat(failed.get()).as("failed downloads").isZero();
            // A reset is nginx core's line (ngx_unix_recv; lua-nginx-module gives every cosocket
            // log_error ERR, lua_socket_log_errors covers only its own lines): one per connection
            // that had bytes in flight when the service died, never one per request. Each of the
            // two workers has its ResolveStream and at most one pooled connection in use.
            assertThat(resets).as("recv() failed lines").hasSizeLessThanOrEqualTo(2 * 2 * ROUNDS)
                    .allMatch(l -> l.contains("recv() failed (104: Connection reset by peer)"));
            assertThat(errors).as("nginx's own connect() errors: the hook logs a down replica itself").isEmpty();
            long hookLines = Arrays.stream(log.split("\n")).filter(l -> l.contains("mirrorgate: replica")).count();
            assertThat(hookLines).as("the hook's rate-limited lines").isBetween(1L, 12L * ROUNDS);
        }
    }
}
