package org.mirrorgate.nginx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mirrorgate.config.ConfigLoader;
import org.mirrorgate.server.MirrorgateServer;

/**
 * The pages as people see them: served by the real service through the real nginx hook, loaded
 * by a real headless chromium with JavaScript on. Asserts on the rendered DOM, that the console
 * has no errors and that nothing is requested off loopback; writes a screenshot of each page at
 * desktop and phone width to {@code target/pages-screenshots/}.
 */
class PagesBrowserIT {

    static final String DEB_PATH = "/debian/pool/main/h/hello/hello_2.10_amd64.deb";
    static final Path SHOTS = Path.of("target/pages-screenshots");

    static Path root;
    static Path configDir;
    static MirrorgateServer service;
    static NginxHarness nginx;

    @BeforeAll
    static void start() throws Exception {
        NginxHarness.assumeNginx();
        root = NginxHarness.tree(Map.of("pool/main/h/hello/hello_2.10_amd64.deb", "a package\n".getBytes(StandardCharsets.UTF_8)));
        configDir = Files.createTempDirectory("mirrorgate-config-");
        Files.setPosixFilePermissions(configDir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Path socket = configDir.resolve("grpc.sock");
        Path yaml = configDir.resolve("mirrorgate.yaml");
        Files.writeString(yaml, """
                repository:
                  root: %s
                  url-prefix: /debian/
                  scan-interval: 1h
                  watch: false
                listen:
                  grpc: 127.0.0.1:0
                  grpc-socket: %s
                  metrics: ""
                store:
                  path: state
                resolve:
                  warmup-calls: 0
                pages:
                  mirrors-json: /mirrors.json
                mirrors:
                  - {name: berlin, http-url: "http://de.example.org/debian/", countries: [DE], continent: EU,
                     latitude: 52.5, longitude: 13.4, trusted: true,
                     rsync-url: "rsync://mirroruser:s3cret-word@de.example.org/debian/"}
                  - {name: paris, http-url: "http://fr.example.org/debian/", countries: [FR], continent: EU,
                     latitude: 48.8, longitude: 2.3, trusted: true}
                  - {name: tokyo, http-url: "http://jp.example.org/debian/", countries: [JP], continent: AS,
                     latitude: 35.7, longitude: 139.7}
                """.formatted(root, socket));
        service = MirrorgateServer.create(ConfigLoader.load(yaml));
        service.start();
        await().atMost(Duration.ofSeconds(60)).until(service::isServing);
        // A 2 s decision budget, not the default 150 ms: this test is about the pages, and chromium
        // starting next to the service on a shared 2-core machine can stall a render past 150 ms;
        // nginx would then serve the path itself (by design: a .deb as a download, a directory as 403).
        nginx = NginxHarness.builder(root).replicas("unix:" + socket).set("URL_PREFIX", "/debian/")
                .set("TIMEOUT_MS", "2000").start();
        Files.createDirectories(SHOTS);
        // The service's first page renders on a cold JVM may miss the hook's 150 ms budget (nginx
        // then serves the file itself, by design): wait until a page is answered.
        await().atMost(Duration.ofSeconds(30)).until(() -> nginx.get(DEB_PATH + "?mirrorlist=json").headers()
                .firstValue("content-type").orElse("").startsWith("application/json")
                && nginx.get(DEB_PATH + "?mirrorlist").headers().firstValue("content-type").orElse("").startsWith("text/html")
                && nginx.get("/debian/pool/?mirrorstats").headers().firstValue("content-type").orElse("").startsWith("text/html")
                && nginx.get("/debian/mirrors.json").statusCode() == 200);
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

    @Test
    void theMirrorListJsonThroughNginxNamesTheChosenAndTheExcluded() throws Exception {
        HttpResponse<byte[]> r = nginx.get(DEB_PATH + "?mirrorlist=json");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode j = new ObjectMapper().readTree(r.body());
        assertThat(j.at("/file/path").asText()).isEqualTo("pool/main/h/hello/hello_2.10_amd64.deb");
        assertThat(j.at("/client/address").asText()).isEqualTo("127.0.0.1");
        assertThat(j.at("/chosen").findValuesAsText("name")).containsExactlyInAnyOrder("berlin", "paris");
        assertThat(j.at("/excluded/0/mirrors/0").asText()).isEqualTo("tokyo");
    }

    @Test
    void thePublicMirrorListThroughNginxNamesEveryMirrorWithoutCredentials() throws Exception {
        HttpResponse<byte[]> r = nginx.get("/debian/mirrors.json");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        String body = new String(r.body(), StandardCharsets.UTF_8);
        assertThat(body).doesNotContain("s3cret-word").doesNotContain("mirroruser");
        JsonNode j = new ObjectMapper().readTree(body);
        assertThat(j.at("/mirrors").findValuesAsText("name")).containsExactly("berlin", "paris", "tokyo");
        assertThat(j.at("/mirrors/0/urls/rsync").asText()).isEqualTo("rsync://de.example.org/debian/");
        assertThat(j.at("/mirrors/2/country").asText()).isEqualTo("JP");
    }

    @Test
    void theMirrorStatsSortByAClickedColumnInARealBrowserWithoutErrorsOrExternalRequests() throws Exception {
        assumeTrue(HeadlessChromium.installed(), "chromium is not installed (/usr/bin/chromium): the browser test is "
                + "skipped; the HTML and JSON are checked by the other tests");
        String url = nginx.httpBase() + "/debian/pool/?mirrorstats";
        String names = "Array.from(document.querySelectorAll('#mirrors tbody td.name')).map(function(td){"
                + "return td.firstChild.textContent;})";
        try (HeadlessChromium browser = new HeadlessChromium()) {
            try (DevToolsSession page = browser.devTools(1280, 1000)) {
                page.navigate(url);
                assertThat(page.evaluate("document.title").asText()).isEqualTo("Mirror statistics");
                assertThat(strings(page.evaluate(names))).containsExactly("berlin", "paris", "tokyo");
                page.click("#mirrors th:nth-child(1)");
                assertThat(page.evaluate("document.querySelector('#mirrors th').getAttribute('aria-sort')").asText())
                        .isEqualTo("ascending");
                page.click("#mirrors th:nth-child(1)");
                assertThat(strings(page.evaluate(names))).as("descending by name after a second click")
                        .containsExactly("tokyo", "paris", "berlin");
                page.click("#mirrors th:nth-child(2)"); // state: every mirror "unknown", order kept (stable sort)
                assertThat(page.evaluate("document.querySelectorAll('#mirrors tbody tr').length").asInt()).isEqualTo(3);
                page.navigate(nginx.httpBase() + "/debian/mirrors.json");
                assertThat(page.evaluate("JSON.parse(document.body.innerText).count").asInt()).isEqualTo(3);
                assertThat(page.errors()).as("console errors and exceptions").isEmpty();
            }
            screenshots(browser, url, "mirrorstats", 700, 1500);
            HeadlessChromium.Run dom = browser.dumpDom(url);
            assertThat(dom.stdout()).contains("3 mirrors:").contains("Download counts read");
            assertThat(dom.consoleErrors()).isEmpty();
            assertNothingOffLoopback(browser);
        }
    }

    private static java.util.List<String> strings(JsonNode array) {
        java.util.List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void theMirrorListRendersInARealBrowserWithoutErrorsOrExternalRequests() throws Exception {
        assumeTrue(HeadlessChromium.installed(), "chromium is not installed (/usr/bin/chromium): the browser test is "
                + "skipped; the HTML and JSON are checked by the other tests");
        String url = nginx.httpBase() + DEB_PATH + "?mirrorlist";
        try (HeadlessChromium browser = new HeadlessChromium()) {
            HeadlessChromium.Run run = browser.dumpDom(url);
            String dom = run.stdout();
            assertThat(dom).contains("<td class=\"name\">berlin</td>").contains("<td class=\"name\">paris</td>")
                    .contains("<span class=\"name\">tokyo</span>").contains("hello_2.10_amd64.deb");
            assertThat(Pattern.compile("<td class=\"n prob\">\\d+\\.\\d%</td>").matcher(dom).results().count()).isEqualTo(2);
            assertThat(Pattern.compile("<circle class=\"chosen\"").matcher(dom).results().count()).isEqualTo(2);
            assertThat(Pattern.compile("<circle class=\"mirror\"").matcher(dom).results().count()).isEqualTo(1);
            assertThat(run.consoleErrors()).isEmpty();
            screenshots(browser, url, "mirrorlist", 1100, 1400);
            assertNothingOffLoopback(browser);
        }
    }

    @Test
    void theFileInfoRendersInARealBrowserWithoutErrorsOrExternalRequests() throws Exception {
        assumeTrue(HeadlessChromium.installed(), "chromium is not installed (/usr/bin/chromium): the browser test is "
                + "skipped; the HTML and JSON are checked by the other tests");
        String url = nginx.httpBase() + DEB_PATH + "?fileinfo";
        try (HeadlessChromium browser = new HeadlessChromium()) {
            HeadlessChromium.Run run = browser.dumpDom(url);
            String dom = run.stdout();
            assertThat(dom).contains("hello_2.10_amd64.deb").contains("<dt>sha256</dt>")
                    .contains("<td class=\"name\">berlin</td>").contains("<td class=\"name\">paris</td>");
            assertThat(run.consoleErrors()).isEmpty();
            screenshots(browser, url, "fileinfo", 900, 1200);
            assertNothingOffLoopback(browser);
        }
    }

    /** A screenshot of {@code url} at desktop and at phone width into {@link #SHOTS}, each rendered without console errors. */
    private static void screenshots(HeadlessChromium browser, String url, String name, int desktopHeight, int phoneHeight)
            throws Exception {
        for (Object[] size : new Object[][] {{"desktop", 1280, desktopHeight}, {"phone", 390, phoneHeight}}) {
            Path png = SHOTS.resolve(name + "-" + size[0] + ".png");
            Files.deleteIfExists(png);
            HeadlessChromium.Run shot = browser.screenshot(url, png, (int) size[1], (int) size[2]);
            assertThat(png).as(shot.stderr()).isNotEmptyFile();
            assertThat(shot.consoleErrors()).isEmpty();
        }
    }

    /** Nothing the page requested left loopback; chromium's own update/time/account pings (not the page's) are left out by host. */
    private static void assertNothingOffLoopback(HeadlessChromium browser) {
        assertThat(browser.offLoopback()).as("requests the page sent off loopback")
                .filteredOn(line -> !line.matches("\\S+ (http://)?[a-z0-9.]*(google\\.com|googleapis\\.com)[:/].*"))
                .isEmpty();
    }
}
