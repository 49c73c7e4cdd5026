package org.mirrorgate.nginx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mirrorgate.config.ConfigLoader;
import org.mirrorgate.server.MirrorgateServer;

/**
 * Two deployment mistakes with the real service and the real hook. Everything nginx's workers read
 * (the Lua modules, the tree, the service's Unix socket) lies in a mode-700 directory, as a clone
 * in root's home does on a fresh Debian machine: the rendered config runs the workers as the
 * invoking user, so they read it. And nginx's location is {@code /} while the service's
 * url-prefix is {@code /debian/}: paths outside the prefix are nginx's to serve, never a 404 of
 * mirrorgate's, and they are counted.
 */
class NginxDeploymentIT {

    static final byte[] DEB = "a package\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] README = "outside the prefix\n".getBytes(StandardCharsets.US_ASCII);
    static final String DEB_PATH = "/debian/pool/main/h/hello/hello_1.0_all.deb";
    static final String NOWHERE_LOGGED = "/other/nothing.txt\" failed (2: No such file or directory)";

    static Path home;
    static MirrorgateServer service;
    static NginxHarness nginx;

    @BeforeAll
    static void start() throws Exception {
        NginxHarness.assumeNginx();
        home = Files.createTempDirectory("mirrorgate-home-", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Path lua = home.resolve("lua");
        copyTree(NginxHarness.projectDir().resolve("lua/mirrorgate"), lua.resolve("mirrorgate"));
        Path site = home.resolve("site");
        write(site.resolve(DEB_PATH.substring(1)), DEB);
        write(site.resolve("other/readme.txt"), README);
        Path socket = home.resolve("grpc.sock");
        Path yaml = home.resolve("mirrorgate.yaml");
        Files.writeString(yaml, """
                repository: {root: site/debian, url-prefix: /debian/, scan-interval: 1h}
                listen: {grpc: "127.0.0.1:0", grpc-socket: "%s", metrics: ""}
                store: {path: state}
                resolve: {warmup-calls: 200}
                mirrors:
                  - {name: m1, http-url: "http://m1.example.org/debian/", https-url: "https://m1.example.org/debian/",
                     countries: [DE], continent: EU, trusted: true}
                """.formatted(socket));
        service = MirrorgateServer.create(ConfigLoader.load(yaml));
        service.start();
        await().atMost(Duration.ofSeconds(60)).until(service::isServing);
        nginx = NginxHarness.builder(site).replicas("unix:" + socket).set("URL_PREFIX", "/")
                .set("LUA_DIR", lua).start();
    }

    @AfterAll
    static void stop() {
        if (nginx != null) {
            nginx.close();
        }
        if (service != null) {
            service.stop();
        }
        NginxHarness.deleteTree(home);
    }

    @AfterEach
    void noErrorsLogged() {
        assertThat(nginx.unexpectedErrors(NOWHERE_LOGGED)).isEmpty();
    }

    @Test
    void theHookReadsItsModulesAndTheSocketFromAModeSevenHundredDirectory() {
        assertThat(home.toFile().canRead()).isTrue();
        for (int i = 0; i < 2; i++) {
            HttpResponse<byte[]> r = nginx.get(DEB_PATH);
            assertThat(r.statusCode()).as(nginx.errorLog()).isEqualTo(302);
            assertThat(r.headers().firstValue("Location")).hasValue("http://m1.example.org" + DEB_PATH);
            assertThat(nginx.http2("GET", DEB_PATH).headers().firstValue("location"))
                    .hasValue("https://m1.example.org" + DEB_PATH);
        }
        assertThat(nginx.errorLogLines("not found")).isEmpty();
    }

    @Test
    void pathsOutsideTheServicesPrefixAreServedByNginxAndCounted() {
        double before = outsidePrefix();
        long notFound = nginx.metric("mirrorgate_nginx_decisions_total{action=\"not_found\"}");
        for (int i = 0; i < 2; i++) {
            HttpResponse<byte[]> r = nginx.get("/other/readme.txt");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(README);
            assertThat(nginx.http2("GET", "/other/readme.txt").statusCode()).isEqualTo(200);
            assertThat(nginx.get("/other/nothing.txt").statusCode()).as("nginx's own 404").isEqualTo(404);
        }
        assertThat(outsidePrefix()).isEqualTo(before + 6);
        assertThat(nginx.metric("mirrorgate_nginx_decisions_total{action=\"not_found\"}"))
                .as("no 404 decided by mirrorgate").isEqualTo(notFound);
        assertThat(nginx.errorLogLines(NOWHERE_LOGGED)).hasSize(2);
    }

    private static double outsidePrefix() {
        return service.services().registry().scrape().stream()
                .filter(m -> m.getMetadata().getName().equals("mirrorgate_resolve_unindexed"))
                .flatMap(m -> ((CounterSnapshot) m).getDataPoints().stream())
                .filter(p -> p.getLabels().get("reason").equals("outside_prefix"))
                .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue).findFirst().orElseThrow();
    }

    private static void write(Path file, byte[] content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, content);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            paths.forEach(p -> {
                try {
                    Path target = to.resolve(from.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(p, target);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
