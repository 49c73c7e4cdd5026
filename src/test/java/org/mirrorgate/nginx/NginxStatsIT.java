package org.mirrorgate.nginx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.mirrorgate.cli.CliAccess;
import org.mirrorgate.config.ConfigLoader;
import org.mirrorgate.geo.CountryDatabases;
import org.mirrorgate.server.MirrorgateServer;

/**
 * Statistics and the download log through the whole path (issue 14.4, 14.5, 14.7): real
 * downloads through real nginx and the hook to the real service, then the figures read back with
 * the real CLI ({@code stats mirror}, {@code stats file}, {@code stats country}), the log's lines,
 * and logrotate's rename plus a real SIGUSR1 to this process (the service's).
 *
 * <p>nginx's clients are 127.0.0.1: a GeoIP City database written for the test places loopback in
 * Germany, so per-country figures have a country to count.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NginxStatsIT {

    static final String PREFIX = "/debian/";
    static final ObjectMapper JSON = new ObjectMapper();
    static Path root;
    static Path configDir;
    static MirrorgateServer service;
    static NginxHarness nginx;

    @BeforeAll
    static void start() throws Exception {
        NginxHarness.assumeNginx();
        root = NginxHarness.tree(Map.of(
                "pool/main/a/a_1.0_all.deb", new byte[1000],
                "pool/main/b/b_2.0_all.deb", new byte[3 << 20],
                "pool/main/c/c.dsc", new byte[10]));
        configDir = Files.createTempDirectory("mirrorgate-config-");
        Files.setPosixFilePermissions(configDir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Path city = CountryDatabases.write(configDir.resolve("city.mmdb"),
                Map.of("127.0.0.0/8", new CountryDatabases.Place("DE", "EU", 52.52, 13.40)));
        Path socket = configDir.resolve("grpc.sock");
        Files.writeString(configDir.resolve("mirrorgate.yaml"), """
                repository: {root: %s, url-prefix: /debian/, scan-interval: 1h}
                listen: {grpc: "127.0.0.1:0", grpc-socket: %s, metrics: "127.0.0.1:0"}
                geoip: {city-database: %s}
                store: {path: state, flush-interval: 100ms}
                scan: {enabled: false}
                resolve: {warmup-calls: 500}
                downloads:
                  same-download-interval: 10m
                  log-file: log/downloads.log
                  log-client-ip: full
                mirrors:
                  - {name: m1, http-url: "http://m1.example.org/debian/", https-url: "https://m1.example.org/debian/",
                     countries: [DE], continent: EU, trusted: true}
                """.formatted(root, socket, city));
        service = MirrorgateServer.create(ConfigLoader.load(configDir.resolve("mirrorgate.yaml")));
        service.start();
        await().atMost(Duration.ofSeconds(60)).until(service::isServing);
        nginx = NginxHarness.builder(root).replicas("unix:" + socket).set("URL_PREFIX", PREFIX).start();
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

    @AfterEach
    void noErrorsLogged() {
        assertThat(nginx.unexpectedErrors()).isEmpty();
    }

    record Cli(int code, String out, String err) {}

    static Cli cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = CliAccess.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--target", "127.0.0.1:" + service.grpcPort()));
        int code = cli.execute(all.toArray(String[]::new));
        return new Cli(code, out.toString(), err.toString());
    }

    static Path logFile(String name) {
        return configDir.resolve("log").resolve(name);
    }

    static List<JsonNode> logLines(String name) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        if (Files.exists(logFile(name))) {
            for (String l : Files.readAllLines(logFile(name), StandardCharsets.UTF_8)) {
                out.add(JSON.readTree(l));
            }
        }
        return out;
    }

    @Test
    @Order(1)
    void downloadsThroughNginxAreCountedOncePerClientAndFileAndReadBackWithTheCli() throws Exception {
        String a = PREFIX + "pool/main/a/a_1.0_all.deb";
        String b = PREFIX + "pool/main/b/b_2.0_all.deb";
        assertThat(nginx.get(a).statusCode()).isEqualTo(302);
        assertThat(nginx.get(a, "Range", "bytes=500-").statusCode()).as("the rest of it: the same download")
                .isEqualTo(302);
        assertThat(nginx.get(b).statusCode()).isEqualTo(302);
        assertThat(nginx.http2("GET", b, "Range", "bytes=0-99").statusCode()).as("over HTTP/2: the same client")
                .isEqualTo(302);
        assertThat(nginx.http1("HEAD", PREFIX + "pool/main/c/c.dsc").statusCode()).as("HEAD: no download")
                .isEqualTo(302);
        assertThat(nginx.get(PREFIX + "pool/main/c/c.dsc").headers().firstValue("Location"))
                .hasValue("http://m1.example.org/debian/pool/main/c/c.dsc");

        // Two of a, three of b (3 MiB), one of c: counted once per client and file, HEAD not at all.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(cli("stats", "mirror", "m1").out())
                .containsPattern("(?m)^TOTAL +3 +3\\.0 MiB$"));
        Cli mirror = cli("stats", "mirror", "m1", "--from", "yesterday");
        assertThat(mirror.code()).isZero();
        assertThat(mirror.out()).containsPattern("(?m)^mirror m1, \\d{4}-\\d\\d-\\d\\d \\.\\. \\d{4}-\\d\\d-\\d\\d \\(UTC\\), per day$")
                .containsPattern("(?m)^DAY +DOWNLOADS +BYTES$")
                .containsPattern("(?m)^\\d{4}-\\d\\d-\\d\\d +0 +0 B$") // yesterday
                .containsPattern("(?m)^\\d{4}-\\d\\d-\\d\\d +3 +3\\.0 MiB$"); // today

        Cli files = cli("stats", "file", "pool/**");
        assertThat(files.code()).isZero();
        assertThat(files.out()).containsPattern("(?m)^pool/main/a/a_1\\.0_all\\.deb +1 +1000 B$")
                .containsPattern("(?m)^pool/main/b/b_2\\.0_all\\.deb +1 +3\\.0 MiB$")
                .containsPattern("(?m)^pool/main/c/c\\.dsc +1 +10 B$")
                .containsPattern("(?m)^TOTAL +3 *$");
        assertThat(cli("stats", "file", "pool/**.deb", "--limit", "1").out()).as("a tie: by path")
                .contains("pool/main/a/a_1.0_all.deb").doesNotContain("b_2.0").contains("1 more files matched");
        assertThat(cli("stats", "file", "dists/**").out()).contains("no downloads of files matching 'dists/**'");

        Cli country = cli("stats", "country", "de", "--by", "month");
        assertThat(country.out()).containsPattern("(?m)^country DE, \\d{4}-\\d\\d-01 \\.\\. .* per month$")
                .containsPattern("(?m)^TOTAL +3 +3\\.0 MiB$");
        assertThat(cli("stats", "country", "FR").out()).containsPattern("(?m)^TOTAL +0 +0 B$")
                .contains("no downloads counted for country FR in this range");

        JsonNode json = JSON.readTree(cli("stats", "mirror", "m1", "--json").out());
        assertThat(json.get("total").get("requests").asLong()).isEqualTo(3);
        assertThat(json.get("total").get("bytes").asLong()).isEqualTo(1000 + (3 << 20) + 10);
        assertThat(json.get("granularity").asText()).isEqualTo("day");
        assertThat(json.get("points")).hasSize(30);
    }

    @Test
    @Order(2)
    void badQuestionsGetAClearErrorAndExitNonZero() {
        Cli unknown = cli("stats", "mirror", "nope");
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).contains("NOT_FOUND: mirror nope: no such mirror or fallback, and no downloads"
                + " counted under that name").contains("(known: m1, (local))");
        Cli badDate = cli("stats", "mirror", "m1", "--from", "2026-13-01");
        assertThat(badDate.code()).isEqualTo(1);
        assertThat(badDate.err()).contains("INVALID_ARGUMENT: --from 2026-13-01: no such date (expected: YYYY-MM-DD,"
                + " YYYY-MM, YYYY, today or yesterday)");
        assertThat(cli("stats", "country", "DE", "--from", "today", "--to", "yesterday").err())
                .contains("is after --to").contains("an empty range");
        assertThat(cli("stats", "mirror", "m1", "--from", "2000-01-01", "--by", "day").err())
                .contains("daily counters are kept 90 days (store.stats-retention-days)");
        Cli badBy = cli("stats", "mirror", "m1", "--by", "week");
        assertThat(badBy.code()).isNotZero();
        assertThat(badBy.err()).contains("--by week: not a period (expected: day, month or year)");
        StringWriter err = new StringWriter();
        var bare = CliAccess.commandLine();
        bare.setErr(new PrintWriter(err, true));
        assertThat(bare.execute("stats")).isEqualTo(2);
        assertThat(err.toString()).contains("which statistics? (expected: stats mirror NAME, stats file GLOB or"
                + " stats country CC");
    }

    @Test
    @Order(3)
    void theDownloadLogHasOneLinePerDecisionAndIsReopenedOnSigusr1() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> logLines("downloads.log").size() == 6);
        List<JsonNode> lines = logLines("downloads.log");
        assertThat(lines).allSatisfy(l -> {
            assertThat(l.get("client").asText()).isEqualTo("127.0.0.1");
            assertThat(l.get("country").asText()).isEqualTo("DE");
            assertThat(l.get("action").asText()).isEqualTo("redirect");
            assertThat(l.get("mirror").asText()).isEqualTo("m1");
            assertThat(l.get("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        });
        assertThat(lines).extracting(l -> l.get("path").asText() + " " + l.get("size").asLong())
                .containsExactly(PREFIX + "pool/main/a/a_1.0_all.deb 1000", PREFIX + "pool/main/a/a_1.0_all.deb 1000",
                        PREFIX + "pool/main/b/b_2.0_all.deb 3145728", PREFIX + "pool/main/b/b_2.0_all.deb 3145728",
                        PREFIX + "pool/main/c/c.dsc 10", PREFIX + "pool/main/c/c.dsc 10");

        // What logrotate does: rename, then signal the service (this JVM runs it).
        Files.move(logFile("downloads.log"), logFile("downloads.log.1"));
        Process kill = new ProcessBuilder("kill", "-USR1", Long.toString(ProcessHandle.current().pid())).start();
        assertThat(kill.waitFor()).isZero();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(scrape())
                .contains("mirrorgate_download_log_reopens_total 1.0"));
        assertThat(nginx.get(PREFIX + "pool/main/c/c.dsc").statusCode()).isEqualTo(302);

        await().atMost(Duration.ofSeconds(10)).until(() -> logLines("downloads.log").size() == 1);
        assertThat(logLines("downloads.log.1")).hasSize(6);
        assertThat(scrape()).contains("mirrorgate_download_log_lines_total{result=\"written\"} 7.0")
                .contains("mirrorgate_download_log_lines_total{result=\"dropped\"} 0.0");
    }

    private static String scrape() throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + service.metricsPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
