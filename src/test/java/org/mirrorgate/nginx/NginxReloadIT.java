package org.mirrorgate.nginx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mirrorgate.config.ConfigLoader;
import org.mirrorgate.server.MirrorgateServer;

/**
 * Reload under load through the real nginx hook (issue 14.3 and 14.7): clients download without a
 * pause while the config file flips between two mirror sets and bad versions of it, reloaded each
 * time with `mirrorgate reload`. Not one request fails, every good file takes effect (the new
 * mirror gets redirects, the removed one stops getting them) and no bad one does.
 */
class NginxReloadIT {

    static final String DEB_PATH = "/debian/pool/main/h/hello/hello_2.10_amd64.deb";
    static final String M1 = "  - {name: m1, http-url: \"http://m1.example.org/debian/\", trusted: true}\n";
    static final String M2 = "  - {name: m2, http-url: \"http://m2.example.net/debian/\", trusted: true}\n";

    static Path root;
    static Path configDir;
    static Path yaml;
    static MirrorgateServer service;
    static NginxHarness nginx;

    @BeforeAll
    static void start() throws Exception {
        NginxHarness.assumeNginx();
        root = NginxHarness.tree(Map.of("pool/main/h/hello/hello_2.10_amd64.deb", "a package\n".getBytes(StandardCharsets.UTF_8)));
        configDir = Files.createTempDirectory("mirrorgate-config-");
        Files.setPosixFilePermissions(configDir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        yaml = configDir.resolve("mirrorgate.yaml");
        write(M1);
        service = MirrorgateServer.create(ConfigLoader.load(yaml), yaml);
        service.start();
        await().atMost(Duration.ofSeconds(60)).until(service::isServing);
        nginx = NginxHarness.builder(root).replicas("unix:" + configDir.resolve("grpc.sock"))
                .set("URL_PREFIX", "/debian/").start();
    }

    static void write(String mirrors) throws Exception {
        Files.writeString(yaml, """
                repository: {root: %s, url-prefix: /debian/, scan-interval: 1h, watch: false}
                listen: {grpc: "127.0.0.1:0", grpc-socket: %s, metrics: ""}
                store: {path: state}
                resolve: {warmup-calls: 200}
                mirrors:
                """.formatted(root, configDir.resolve("grpc.sock")) + mirrors);
    }

    @AfterAll
    static void stop() {
        if (nginx != null) {
            nginx.close();
        }
        if (service != null) {
            service.stop();
        }
        NginxHarness.deleteTree(root);
        NginxHarness.deleteTree(configDir);
    }

    /** `mirrorgate reload` against the service; returns its exit code. */
    static int reload() {
        var cli = org.mirrorgate.cli.CliAccess.commandLine();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        return cli.execute("reload", "--target=127.0.0.1:" + service.grpcPort());
    }

    @Test
    void goodAndBadReloadsUnderLoadFailNoRequestAndOnlyTheGoodOnesTakeEffect() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong requests = new AtomicLong();
        Map<String, AtomicLong> byAnswer = new ConcurrentHashMap<>();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService clients = Executors.newFixedThreadPool(4);
        List<Future<?>> loops = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            loops.add(clients.submit(() -> {
                while (running.get()) {
                    try {
                        HttpResponse<byte[]> r = nginx.get(DEB_PATH);
                        String answer = r.statusCode() + " " + r.headers().firstValue("Location").orElse("");
                        byAnswer.computeIfAbsent(answer, k -> new AtomicLong()).incrementAndGet();
                        if (r.statusCode() != 302 && r.statusCode() != 200) {
                            failures.add(answer);
                        }
                    } catch (RuntimeException e) {
                        failures.add(e.toString());
                    }
                    requests.incrementAndGet();
                }
            }));
        }
        try {
            String toM2 = "302 http://m2.example.net" + DEB_PATH;
            for (int round = 0; round < 5; round++) {
                write(M1 + M2);
                assertThat(reload()).isZero();
                long m2Before = count(byAnswer, toM2);
                await().atMost(Duration.ofSeconds(20)).until(() -> count(byAnswer, toM2) > m2Before);

                Files.writeString(yaml, Files.readString(yaml) + "listen: {grpc: \"0.0.0.0:1\"}\n"); // duplicate key
                assertThat(reload()).as("a bad file is refused").isEqualTo(1);
                write(M1 + "  - {name: m3, http-url: \"not a url\"}\n");
                assertThat(reload()).isEqualTo(1);

                write(M1);
                assertThat(reload()).isZero();
                // once the reload answered, no new request goes to the removed mirror
                long settled = requests.get();
                await().atMost(Duration.ofSeconds(20)).until(() -> requests.get() > settled + 50);
                long m2AfterRemoval = count(byAnswer, toM2);
                long more = requests.get();
                await().atMost(Duration.ofSeconds(20)).until(() -> requests.get() > more + 50);
                assertThat(count(byAnswer, toM2)).as("m2 removed: no more redirects to it").isEqualTo(m2AfterRemoval);
            }
        } finally {
            running.set(false);
            for (Future<?> f : loops) {
                f.get();
            }
            clients.shutdown();
        }
        System.out.printf("NginxReloadIT: %d requests during 10 good and 10 bad reloads: %s%n", requests.get(), byAnswer);
        assertThat(failures).as("failed requests out of %d: %s", requests.get(), byAnswer).isEmpty();
        assertThat(requests.get()).isGreaterThan(500);
        assertThat(byAnswer.keySet()).as("m3 of the bad file never served")
                .allSatisfy(a -> assertThat(a).doesNotContain("m3"));
    }

    private static long count(Map<String, AtomicLong> byAnswer, String answer) {
        AtomicLong n = byAnswer.get(answer);
        return n == null ? 0 : n.get();
    }
}
