package org.mirrorgate.nginx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mirrorgate.config.ConfigLoader;
import org.mirrorgate.server.MirrorgateServer;

/**
 * The whole request path with the real service: Debian's nginx, the Lua hook and mirrorgate's own
 * {@link MirrorgateServer} (started in-process from a YAML config, with two trusted mirrors and a
 * {@code local} policy for InRelease files; it walks and hashes the tree itself), all through HTTP;
 * the hook reaches the service over its Unix socket ({@code listen.grpc-socket}).
 */
class NginxRealServiceIT {

    static final byte[] DEB = "a package\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] IN_RELEASE = "Origin: Debian\nSuite: stable\n".getBytes(StandardCharsets.US_ASCII);
    static final String DEB_PATH = "/debian/pool/main/h/hello/hello_2.10_amd64.deb";
    static final String IN_RELEASE_PATH = "/debian/dists/bookworm/InRelease";

    static Path root;
    static Path configDir;
    static MirrorgateServer service;
    static NginxHarness nginx;

    @BeforeAll
    static void start() throws Exception {
        NginxHarness.assumeNginx();
        root = NginxHarness.tree(Map.of("pool/main/h/hello/hello_2.10_amd64.deb", DEB,
                "dists/bookworm/InRelease", IN_RELEASE));
        configDir = Files.createTempDirectory("mirrorgate-config-");
        // nginx workers (an unprivileged user) reach the service through a Unix socket in here.
        Files.setPosixFilePermissions(configDir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Path socket = configDir.resolve("grpc.sock");
        Path yaml = configDir.resolve("mirrorgate.yaml");
        Files.writeString(yaml, """
                repository:
                  root: %s
                  url-prefix: /debian/
                  # no second walk while the tests run: a file added by a test stays unindexed
                  scan-interval: 1h
                  # nor a watcher: trusted mirrors are assumed to hold any file the index knows
                  watch: false
                listen:
                  grpc: 127.0.0.1:0
                  grpc-socket: %s
                  metrics: ""
                store:
                  path: state
                resolve:
                  warmup-calls: 500
                policies:
                  - {match: "dists/**/InRelease", policy: local}
                mirrors:
                  - name: m1
                    http-url: http://m1.example.org/debian/
                    https-url: https://m1.example.org/debian/
                    countries: [DE]
                    continent: EU
                    trusted: true
                  - name: m2
                    http-url: http://m2.example.net/debian/
                    https-url: https://m2.example.net/debian/
                    countries: [FR]
                    continent: EU
                    trusted: true
                """.formatted(root, socket));
        service = MirrorgateServer.create(ConfigLoader.load(yaml));
        service.start();
        await().atMost(Duration.ofSeconds(60)).until(service::isServing);
        // The co-located setup with a Unix socket: the hook talks to the service over it
        // (the TCP path is what NginxHookIT and NginxFailOpenIT use).
        nginx = NginxHarness.builder(root).replicas("unix:" + socket).set("URL_PREFIX", "/debian/")
                .start();
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

    /** What nginx logs (at [error], log_not_found being on by default) for its own 404 of {@link #NOWHERE}. */
    static final String NOWHERE_LOGGED = "/pool/main/n/nothing.deb\" failed (2: No such file or directory)";
    static final String NOWHERE = "/debian/pool/main/n/nothing.deb";

    @AfterEach
    void noErrorsLogged() {
        assertThat(nginx.unexpectedErrors(NOWHERE_LOGGED)).isEmpty();
    }

    @Test
    void redirectsAFileOnMirrorsToOneOfThemWithTheOtherAsLinkAlternate() {
        for (int i = 0; i < 4; i++) {
            HttpResponse<byte[]> r = nginx.get(DEB_PATH);
            assertThat(r.statusCode()).isEqualTo(302);
            String location = r.headers().firstValue("Location").orElseThrow();
            assertThat(location).isIn("http://m1.example.org" + DEB_PATH, "http://m2.example.net" + DEB_PATH);
            String other = location.contains("m1.") ? "<http://m2.example.net" + DEB_PATH + ">; rel=duplicate; pri=1; geo=fr"
                    : "<http://m1.example.org" + DEB_PATH + ">; rel=duplicate; pri=1; geo=de";
            assertThat(duplicates(r)).containsExactly(other);
            assertThat(r.headers().firstValue("Cache-Control")).hasValue("private, no-cache");
        }
    }

    @Test
    void downloadsAreDecidedInBatchesOnAResolveStreamPerWorker() {
        long before = nginx.metric("mirrorgate_nginx_batched_requests_total");
        for (int i = 0; i < 3; i++) {
            assertThat(nginx.get(DEB_PATH).statusCode()).isEqualTo(302);
        }
        assertThat(nginx.metric("mirrorgate_nginx_batched_requests_total")).isEqualTo(before + 3);
        // each worker's dispatcher keeps its stream open between batches (2 workers)
        assertThat(openStreams()).isBetween(1.0, 2.0);
        assertThat(nginx.errorLogLines("no ResolveBatch")).isEmpty();
        assertThat(nginx.errorLogLines("no ResolveStream")).isEmpty();
    }

    private static double openStreams() {
        return service.services().registry().scrape().stream()
                .filter(m -> m.getMetadata().getName().equals("mirrorgate_resolve_streams"))
                .map(m -> ((io.prometheus.metrics.model.snapshots.GaugeSnapshot) m).getDataPoints().get(0).getValue())
                .findFirst().orElseThrow();
    }

    @Test
    void httpsRequestsGetHttpsUrlsOverHttp2() {
        for (int i = 0; i < 2; i++) {
            HttpResponse<byte[]> r = nginx.http2("GET", DEB_PATH);
            assertThat(r.statusCode()).isEqualTo(302);
            assertThat(r.headers().firstValue("location").orElseThrow()).startsWith("https://");
            assertThat(NginxHarness.links(r)).isNotEmpty().allMatch(l -> l.startsWith("<https://"));
            assertThat(duplicates(r)).hasSize(1);
        }
    }

    @Test
    void localPolicyServesTheFileWithRange() {
        for (int i = 0; i < 2; i++) {
            HttpResponse<byte[]> r = nginx.get(IN_RELEASE_PATH);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(IN_RELEASE);
            HttpResponse<byte[]> range = nginx.http2("GET", IN_RELEASE_PATH, "Range", "bytes=0-5");
            assertThat(range.statusCode()).isEqualTo(206);
            assertThat(new String(range.body(), StandardCharsets.US_ASCII)).isEqualTo("Origin");
        }
    }

    @Test
    void aPathThatExistsNowhereGetsNginxsOwnNotFound() {
        long local = hookDecisions("serve_local");
        long notFound = hookDecisions("not_found");
        double unindexed = unindexed();
        int logged = nginx.errorLogLines(NOWHERE_LOGGED).size();
        for (int i = 0; i < 2; i++) {
            assertThat(nginx.get(NOWHERE).statusCode()).isEqualTo(404);
            assertThat(nginx.http2("GET", NOWHERE).statusCode()).isEqualTo(404);
        }
        // nginx's own 404: the hook let the request through (SERVE_LOCAL), nginx looked for the
        // file and logged that it is absent; the hook answered no 404 itself
        await().atMost(Duration.ofSeconds(10)).until(() -> hookDecisions("serve_local") >= local + 4);
        assertThat(hookDecisions("not_found")).isEqualTo(notFound);
        assertThat(nginx.errorLogLines(NOWHERE_LOGGED)).hasSize(logged + 4);
        assertThat(unindexed()).isEqualTo(unindexed + 4);
    }

    @Test
    void aFileAddedAfterTheWalkIsServedAtOnceNeverNotFound() throws Exception {
        byte[] bytes = "added after the walk\n".getBytes(StandardCharsets.US_ASCII);
        String path = "/debian/pool/main/n/new/new_1.0_all.deb";
        Path file = root.resolve(path.substring("/debian/".length()));
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
        double unindexed = unindexed();
        for (int i = 0; i < 2; i++) {
            HttpResponse<byte[]> r = nginx.get(path);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(bytes);
            HttpResponse<byte[]> h2 = nginx.http2("GET", path, "Range", "bytes=0-4");
            assertThat(h2.statusCode()).isEqualTo(206);
            assertThat(new String(h2.body(), StandardCharsets.US_ASCII)).isEqualTo("added");
        }
        assertThat(unindexed()).as("decided by the service as not indexed, not failed open").isEqualTo(unindexed + 4);
    }

    private static long hookDecisions(String action) {
        return nginx.metric("mirrorgate_nginx_decisions_total{action=\"" + action + "\"}");
    }

    /** The service's count of paths it left to nginx because the index does not know them. */
    private static double unindexed() {
        return service.services().registry().scrape().stream()
                .filter(m -> m.getMetadata().getName().equals("mirrorgate_resolve_unindexed"))
                .flatMap(m -> ((io.prometheus.metrics.model.snapshots.CounterSnapshot) m).getDataPoints().stream())
                .filter(p -> p.getLabels().get("reason").equals("not_indexed"))
                .mapToDouble(p -> p.getValue()).findFirst().orElseThrow();
    }

    @Test
    void checksumAndMirrorlistAreContent() throws Exception {
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(DEB));
        awaitHashed();
        HttpResponse<byte[]> sum = nginx.http2("GET", DEB_PATH + "?sha256");
        assertThat(sum.statusCode()).isEqualTo(200);
        assertThat(sum.headers().firstValue("content-type")).hasValue("text/plain; charset=utf-8");
        assertThat(new String(sum.body(), StandardCharsets.UTF_8)).startsWith(sha);
        HttpResponse<byte[]> list = nginx.get(DEB_PATH + "?mirrorlist");
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(new String(list.body(), StandardCharsets.UTF_8)).contains("m1").contains("m2");
    }

    /** The alternates among a response's Link entries (a hashed file also has its describedby entry). */
    private static java.util.List<String> duplicates(HttpResponse<?> r) {
        return NginxHarness.links(r).stream().filter(l -> l.contains("; rel=duplicate")).toList();
    }

    private static void awaitHashed() {
        // hashing runs in the background after the index is built
        await().atMost(Duration.ofSeconds(30)).until(() -> nginx.get(DEB_PATH + "?sha256").statusCode() == 200);
    }

    @Test
    void aRedirectOfAHashedFileCarriesDigestAndALinkToItsMetalink() throws Exception {
        awaitHashed();
        String digest = "sha-256=" + java.util.Base64.getEncoder().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(DEB));
        String port = nginx.httpBase().substring(nginx.httpBase().lastIndexOf(':') + 1);
        HttpResponse<byte[]> r = nginx.get(DEB_PATH);
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().allValues("Digest")).containsExactly(digest);
        String describedby = "<http://127.0.0.1:" + port + DEB_PATH
                + ".meta4>; rel=describedby; type=\"application/metalink4+xml\"";
        assertThat(NginxHarness.links(r)).hasSize(2).endsWith(describedby);
        // as curl sees it, and over HTTP/2 with an https URL
        String curl = nginx.curlHeaders(false, DEB_PATH);
        assertThat(curl).contains("Digest: " + digest + "\r\n").contains(describedby);
        HttpResponse<byte[]> h2 = nginx.http2("GET", DEB_PATH);
        assertThat(h2.headers().allValues("digest")).containsExactly(digest);
        assertThat(NginxHarness.links(h2)).anyMatch(l -> l.startsWith("<https://127.0.0.1:")
                && l.endsWith(DEB_PATH + ".meta4>; rel=describedby; type=\"application/metalink4+xml\""));
        // the URL it names is the file's Metalink, answered by the service through nginx
        HttpResponse<byte[]> meta = nginx.get(DEB_PATH + ".meta4");
        assertThat(meta.statusCode()).isEqualTo(200);
        assertThat(meta.headers().firstValue("Content-Type")).hasValue("application/metalink4+xml");
        assertThat(new String(meta.body(), StandardCharsets.UTF_8))
                .contains(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(DEB)));
        // a file served locally gets neither
        HttpResponse<byte[]> local = nginx.get(IN_RELEASE_PATH);
        assertThat(local.headers().firstValue("Digest")).isEmpty();
        assertThat(local.headers().firstValue("Link")).isEmpty();
    }

    @Test
    void acceptApplicationJsonTurnsMirrorlistAndFileinfoIntoJson() throws Exception {
        awaitHashed();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        // curl as a user types it: the hook forwards the Accept header
        String body = curlBody("-H", "Accept: application/json", nginx.httpBase() + DEB_PATH + "?mirrorlist");
        assertThat(json.readTree(body).at("/file/path").asText()).isEqualTo(DEB_PATH.substring("/debian/".length()));
        assertThat(json.readTree(body).at("/chosen").size()).isEqualTo(2);
        // without it, or with a browser's, the same query is HTML
        assertThat(curlBody(nginx.httpBase() + DEB_PATH + "?mirrorlist")).startsWith("<!DOCTYPE html>");
        HttpResponse<byte[]> browser = nginx.http2("GET", DEB_PATH + "?mirrorlist", "Accept",
                "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        assertThat(browser.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");

        HttpResponse<byte[]> info = nginx.get(DEB_PATH + "?fileinfo", "Accept", "application/json");
        assertThat(info.statusCode()).isEqualTo(200);
        assertThat(info.headers().firstValue("Content-Type")).hasValue("application/json");
        com.fasterxml.jackson.databind.JsonNode j = json.readTree(info.body());
        assertThat(j.at("/size").asLong()).isEqualTo(DEB.length);
        assertThat(j.at("/checksums/0/value").asText())
                .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(DEB)));
        assertThat(j.at("/current").findValuesAsText("name")).containsExactlyInAnyOrder("m1", "m2");
        assertThat(j.at("/current/0/note").asText()).isEqualTo("trusted");
        assertThat(j.at("/policy/text").asText()).isEqualTo("strict (default)");
        assertThat(json.readTree(nginx.get(IN_RELEASE_PATH + "?fileinfo=json").body()).at("/policy/text").asText())
                .isEqualTo("local (dists/**/InRelease)");
    }

    @Test
    void fileinfoIsAnHtmlPageAndAnUnknownFileIsA404WithABody() {
        long content = hookDecisions("content");
        HttpResponse<byte[]> html = nginx.http2("GET", DEB_PATH + "?fileinfo");
        assertThat(html.statusCode()).isEqualTo(200);
        assertThat(html.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(new String(html.body(), StandardCharsets.UTF_8)).contains("<td class=\"name\">m1</td>")
                .contains("<td class=\"name\">m2</td>").contains("<dd>" + DEB.length + " bytes</dd>");
        for (String q : java.util.List.of("?fileinfo", "?fileinfo=json")) {
            HttpResponse<byte[]> unknown = nginx.get(NOWHERE + q);
            assertThat(unknown.statusCode()).as(q).isEqualTo(404);
            assertThat(new String(unknown.body(), StandardCharsets.UTF_8)).as(q).contains("not a file mirrorgate knows");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> hookDecisions("content") >= content + 3);
        assertThat(hookDecisions("content")).as("answered by the service, not failed open").isEqualTo(content + 3);
    }

    private static String curlBody(String... args) throws Exception {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("curl", "-sS", "--http1.1"));
        command.addAll(java.util.List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("curl: %s", out).isZero();
        return out;
    }

    @Test
    void clientHeadersCannotBypassTheRedirect() {
        HttpResponse<byte[]> r = nginx.get(DEB_PATH, "grpc-timeout", "1n", "Cookie", "a=b");
        assertThat(r.statusCode()).isEqualTo(302);
    }
}
