package org.mirrorgate.nginx;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mirrorgate.api.v1.ResolveRequest;
import org.mirrorgate.api.v1.Scheme;

/**
 * The access hook's answers through a real nginx (HTTP/1.1 and HTTP/2 over TLS) in front of a real
 * grpc-java server that decides by path ({@link TestResolverServer#decide}). Every request is sent at
 * least twice, so state left behind by one request (pooled connections, stream ids) is exercised, and
 * every test ends by checking that nginx logged nothing at [error] or worse.
 */
class NginxHookIT {

    static final int TIMEOUT_MS = 1000;
    static final byte[] LOCAL = "local bytes 0123456789\n".getBytes(StandardCharsets.US_ASCII);

    static Path root;
    static TestResolverServer service;
    static NginxHarness nginx;

    @BeforeAll
    static void start() throws IOException {
        NginxHarness.assumeNginx();
        root = NginxHarness.tree(Map.of("local/file.txt", LOCAL, "pool/main/h/hello.deb", LOCAL,
                "unsafe/x", LOCAL, "downgrade/x", LOCAL));
        service = TestResolverServer.start();
        // a generous budget: these tests are about answers, not timing (NginxFailOpenIT is)
        nginx = NginxHarness.builder(root).replicas(service.address()).set("TIMEOUT_MS", TIMEOUT_MS).start();
    }

    @AfterAll
    static void stop() {
        if (nginx != null) {
            nginx.close();
        }
        if (service != null) {
            service.close();
        }
        NginxHarness.deleteTree(root);
    }

    @AfterEach
    void noErrorsLogged() {
        assertThat(nginx.unexpectedErrors()).isEmpty();
    }

    /** Both client protocols: HTTP/1.1 on the plain listener, HTTP/2 on the TLS one. */
    private static List<BiFunction<String, String[], HttpResponse<byte[]>>> clients(String method) {
        return List.of((p, h) -> nginx.http1(method, p, h), (p, h) -> nginx.http2(method, p, h));
    }

    @Test
    void redirectsAFileOnMirrorsWithLocationLinkAndCacheControl() {
        for (int i = 0; i < 2; i++) {
            HttpResponse<byte[]> r = nginx.get("/pool/main/h/hello.deb");
            assertThat(r.statusCode()).isEqualTo(302);
            assertThat(r.headers().firstValue("Location"))
                    .hasValue("http://m1.example.org/debian/pool/main/h/hello.deb");
            assertThat(r.headers().allValues("Link")).as("the service's rendered value, one line").hasSize(1);
            assertThat(NginxHarness.links(r)).containsExactly(
                    "<http://m2.example.org/debian/pool/main/h/hello.deb>; rel=duplicate; pri=1; geo=de",
                    "<http://m3.example.net/pool/main/h/hello.deb>; rel=duplicate; pri=2");
            assertThat(r.headers().firstValue("Cache-Control")).hasValue("private, no-cache");
            assertThat(service.lastCall().request().getLinkHeader()).as("the hook asks for a rendered Link").isTrue();
        }
    }

    @Test
    void curlSeesTheAlternatesOverHttp1AndHttp2() {
        for (boolean h2 : new boolean[] {false, true}) {
            for (int i = 0; i < 2; i++) {
                String scheme = h2 ? "https" : "http";
                String headers = nginx.curlHeaders(h2, "/pool/main/h/hello.deb");
                assertThat(headers).startsWith(h2 ? "HTTP/2 302" : "HTTP/1.1 302")
                        .containsIgnoringCase("location: " + scheme + "://m1.example.org/debian/pool/main/h/hello.deb\r\n")
                        .containsIgnoringCase("link: <" + scheme + "://m2.example.org/debian/pool/main/h/hello.deb>; "
                                + "rel=duplicate; pri=1; geo=de, <" + scheme + "://m3.example.net/pool/main/h/hello.deb>; "
                                + "rel=duplicate; pri=2\r\n");
            }
        }
    }

    @Test
    void aDigestAndTheMetalinksDescribedbyGoOutWhenSafeAndAreDroppedAloneWhenNot() {
        for (var client : clients("GET")) {
            HttpResponse<byte[]> r = client.apply("/hashed/x.deb", new String[0]);
            assertThat(r.statusCode()).isEqualTo(302);
            assertThat(r.headers().allValues("Digest")).containsExactly(TestResolverServer.HASHED_DIGEST);
            List<String> links = NginxHarness.links(r);
            assertThat(links).hasSize(2);
            assertThat(links.get(0)).endsWith("://m2.example.org/hashed/x.deb>; rel=duplicate; pri=1");
            assertThat(links.get(1)).matches("<https?://127\\.0\\.0\\.1:\\d+/hashed/x\\.deb\\.meta4>; rel=describedby; "
                    + "type=\"application/metalink4\\+xml\"");
        }
        long before = nginx.metric("mirrorgate_nginx_links_dropped_total");
        for (var client : clients("GET")) {
            HttpResponse<byte[]> r = client.apply("/unsafe-digest/x.deb", new String[0]);
            assertThat(r.statusCode()).isEqualTo(302);
            assertThat(r.headers().allValues("Digest")).isEmpty();
            assertThat(r.headers().firstValue("Set-Cookie")).isEmpty();
            assertThat(NginxHarness.links(r)).as("the good alternates stay, the network-path describedby goes")
                    .singleElement().satisfies(l -> assertThat(l).contains("rel=duplicate").doesNotContain("evil"));
        }
        assertThat(nginx.metric("mirrorgate_nginx_links_dropped_total")).isEqualTo(before + 2L * clients("GET").size());
        assertThat(nginx.errorLogLines("unsafe Digest for a redirect dropped")).isNotEmpty();
        assertThat(nginx.errorLogLines("unsafe describedby for a redirect dropped")).isNotEmpty();
    }

    @Test
    void anUnsafeLinkValueIsDroppedAndTheRedirectStillGoesOut() {
        long before = nginx.metric("mirrorgate_nginx_links_dropped_total");
        long failedOpen = nginx.metric("mirrorgate_nginx_failopen_total{reason=\"decode\"}");
        for (int i = 0; i < 2; i++) {
            for (var client : clients("GET")) {
                HttpResponse<byte[]> crlf = client.apply("/unsafe-link/x", new String[0]);
                assertThat(crlf.statusCode()).as("CR/LF in the link").isEqualTo(302);
                assertThat(crlf.headers().firstValue("Location").orElseThrow()).endsWith("://m1.example.org/unsafe-link/x");
                assertThat(crlf.headers().allValues("Link")).isEmpty();
                assertThat(crlf.headers().firstValue("Set-Cookie")).isEmpty();
            }
            HttpResponse<byte[]> down = nginx.http2("GET", "/downgrade-link/x");
            assertThat(down.statusCode()).as("https request, an http alternate").isEqualTo(302);
            assertThat(down.headers().firstValue("Location")).hasValue("https://m1.example.org/downgrade-link/x");
            assertThat(down.headers().allValues("Link")).isEmpty();
            HttpResponse<byte[]> plain = nginx.get("/downgrade-link/x");
            assertThat(NginxHarness.links(plain)).as("an http request may get http alternates").hasSize(2);
        }
        assertThat(nginx.metric("mirrorgate_nginx_links_dropped_total")).isEqualTo(before + 6);
        assertThat(nginx.metric("mirrorgate_nginx_failopen_total{reason=\"decode\"}")).isEqualTo(failedOpen);
        assertThat(nginx.errorLogLines("unsafe Link value")).isNotEmpty().allMatch(l -> l.contains("[warn]"));
    }

    @Test
    void redirectsHttpsRequestsToHttpsUrlsOverHttp2() {
        for (int i = 0; i < 2; i++) {
            HttpResponse<byte[]> r = nginx.http2("GET", "/pool/main/h/hello.deb");
            assertThat(r.version()).isEqualTo(java.net.http.HttpClient.Version.HTTP_2);
            assertThat(r.statusCode()).isEqualTo(302);
            assertThat(r.headers().firstValue("location"))
                    .hasValue("https://m1.example.org/debian/pool/main/h/hello.deb");
            assertThat(NginxHarness.links(r)).hasSize(2).allMatch(l -> l.startsWith("<https://"));
            assertThat(service.lastCall().request().getScheme()).isEqualTo(Scheme.HTTPS);
        }
    }

    @Test
    void sendsPathClientAddressSchemeMethodAndQueryToTheService() {
        for (int i = 0; i < 2; i++) {
            nginx.http1("HEAD", "/local/file.txt?sha256");
            ResolveRequest req = service.lastCall().request();
            assertThat(req.getPath()).isEqualTo("/local/file.txt");
            assertThat(req.getClientIp()).isEqualTo("127.0.0.1");
            assertThat(req.getScheme()).isEqualTo(Scheme.HTTP);
            assertThat(req.getMethod()).isEqualTo("HEAD");
            assertThat(req.getQuery()).isEqualTo("sha256");
        }
        nginx.get("/local/a%20b/../file.txt");
        assertThat(service.lastCall().request().getPath()).as("nginx normalises $uri").isEqualTo("/local/file.txt");
        assertThat(service.lastCall().request().getQuery()).isEmpty();
    }

    @Test
    void serveLocalReturnsTheFileWithGetHeadAndRange() {
        for (var client : clients("GET")) {
            for (int i = 0; i < 2; i++) {
                HttpResponse<byte[]> r = client.apply("/local/file.txt", new String[0]);
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo(LOCAL);
                HttpResponse<byte[]> range = client.apply("/local/file.txt", new String[] {"Range", "bytes=6-10"});
                assertThat(range.statusCode()).isEqualTo(206);
                assertThat(new String(range.body(), StandardCharsets.US_ASCII)).isEqualTo("bytes");
                assertThat(range.headers().firstValue("content-range")).hasValue("bytes 6-10/" + LOCAL.length);
            }
        }
        for (var client : clients("HEAD")) {
            HttpResponse<byte[]> head = client.apply("/local/file.txt", new String[0]);
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.body()).isEmpty();
            assertThat(head.headers().firstValue("content-length")).hasValue(String.valueOf(LOCAL.length));
        }
    }

    @Test
    void notFoundAnswers404() {
        for (var client : clients("GET")) {
            for (int i = 0; i < 2; i++) {
                assertThat(client.apply("/missing/file", new String[0]).statusCode()).isEqualTo(404);
            }
        }
    }

    @Test
    void contentAnswersTheGivenStatusTypeAndBody() {
        for (var client : clients("GET")) {
            for (int i = 0; i < 2; i++) {
                HttpResponse<byte[]> r = client.apply("/pool/main/h/hello.deb?sha256", new String[0]);
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.headers().firstValue("content-type")).hasValue("text/plain; charset=utf-8");
                assertThat(new String(r.body(), StandardCharsets.UTF_8))
                        .isEqualTo("0123abcd  /pool/main/h/hello.deb\n");
                HttpResponse<byte[]> missing = client.apply("/nosum/x", new String[0]);
                assertThat(missing.statusCode()).isEqualTo(404);
                assertThat(new String(missing.body(), StandardCharsets.UTF_8)).isEqualTo("checksum not computed yet\n");
            }
        }
        HttpResponse<byte[]> head = nginx.http1("HEAD", "/pool/x?sha256");
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
    }

    @Test
    void contentOfOneMebibyteArrivesWholeOverAPooledConnection() {
        for (int i = 0; i < 5; i++) {
            HttpResponse<byte[]> r = nginx.get("/big/blob");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).hasSize(TestResolverServer.BIG_CONTENT);
            assertThat(r.body()[TestResolverServer.BIG_CONTENT - 1]).isEqualTo((byte) ((TestResolverServer.BIG_CONTENT - 1) % 251));
        }
    }

    @Test
    void clientGrpcTimeoutAndCookieHaveNoEffect() {
        for (var client : clients("GET")) {
            for (int i = 0; i < 2; i++) {
                HttpResponse<byte[]> r = client.apply("/pool/main/h/hello.deb", new String[] {
                        "grpc-timeout", "1n", "Cookie", "session=secret", "Authorization", "Bearer x",
                        "grpc-encoding", "gzip"});
                assertThat(r.statusCode()).isEqualTo(302);
                TestResolverServer.Call call = service.lastCall();
                assertThat(call.headers().keys()).doesNotContain("cookie", "authorization", "grpc-encoding");
                assertThat(call.streamed()).isTrue();
                assertThat(call.deadline()).as("a stream has no deadline: each batch has one in Lua").isNull();
                // a query goes alone, in a unary call whose deadline is the hook's, not the client's
                assertThat(client.apply("/pool/main/h/hello.deb?sha256", new String[] {"grpc-timeout", "1n"})
                        .statusCode()).isEqualTo(200);
                call = service.lastCall();
                assertThat(call.streamed()).isFalse();
                assertThat(call.deadline().timeRemaining(TimeUnit.MILLISECONDS)).isBetween(1L, (long) TIMEOUT_MS);
            }
        }
    }

    @Test
    void downloadsGoInBatchesOnOneResolveStreamPerWorker() {
        int opened = service.streamsOpened();
        int calls = service.calls().size();
        for (int i = 0; i < 20; i++) {
            assertThat(nginx.get("/pool/stream/" + i).statusCode()).isEqualTo(302);
            assertThat(nginx.http2("GET", "/pool/stream/" + i).statusCode()).isEqualTo(302);
        }
        assertThat(service.calls().subList(calls, service.calls().size()))
                .hasSize(40).allMatch(TestResolverServer.Call::streamed);
        assertThat(service.streamsOpened() - opened).as("new streams: at most one per worker").isLessThanOrEqualTo(2);
    }

    @Test
    void unsafeOrDowngradingRedirectsFailOpen() {
        long before = nginx.metric("mirrorgate_nginx_failopen_total{reason=\"decode\"}");
        for (int i = 0; i < 2; i++) {
            HttpResponse<byte[]> crlf = nginx.get("/unsafe/x");
            assertThat(crlf.statusCode()).as("CR/LF in url: served locally").isEqualTo(200);
            assertThat(crlf.body()).isEqualTo(LOCAL);
            assertThat(crlf.headers().firstValue("Set-Cookie")).isEmpty();
            HttpResponse<byte[]> down = nginx.http2("GET", "/downgrade/x");
            assertThat(down.statusCode()).as("https request, http url: served locally").isEqualTo(200);
            assertThat(down.body()).isEqualTo(LOCAL);
        }
        assertThat(nginx.metric("mirrorgate_nginx_failopen_total{reason=\"decode\"}")).isEqualTo(before + 4);
    }

    @Test
    void concurrentDownloadsShareResolveBatchCallsAndEachGetsItsOwnAnswer() throws Exception {
        int before = service.batchSizes().size();
        long redirects = nginx.metric("mirrorgate_nginx_decisions_total{action=\"redirect\"}");
        long batched = nginx.metric("mirrorgate_nginx_batched_requests_total");
        long calls = nginx.metric("mirrorgate_nginx_batch_calls_total");
        var pool = java.util.concurrent.Executors.newFixedThreadPool(32);
        try {
            List<java.util.concurrent.Future<HttpResponse<byte[]>>> futures = new java.util.ArrayList<>();
            for (int i = 0; i < 400; i++) {
                String path = "/pool/concurrent/" + i + ".deb";
                boolean h2 = i % 2 == 0;
                futures.add(pool.submit(() -> h2 ? nginx.http2("GET", path) : nginx.get(path)));
            }
            for (int i = 0; i < futures.size(); i++) {
                HttpResponse<byte[]> r = futures.get(i).get();
                assertThat(r.statusCode()).isEqualTo(302);
                assertThat(r.headers().firstValue("location").orElseThrow())
                        .endsWith("://m1.example.org/debian/pool/concurrent/" + i + ".deb")
                        .startsWith(i % 2 == 0 ? "https:" : "http:");
            }
        } finally {
            pool.shutdownNow();
        }
        List<Integer> sizes = service.batchSizes().subList(before, service.batchSizes().size());
        assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(400);
        assertThat(sizes).as("some calls carried several downloads").anyMatch(n -> n > 1);
        // counted in the workers while busy, in the shared dict once the last answer went out
        assertThat(nginx.metric("mirrorgate_nginx_decisions_total{action=\"redirect\"}")).isEqualTo(redirects + 400);
        assertThat(nginx.metric("mirrorgate_nginx_batched_requests_total")).isEqualTo(batched + 400);
        assertThat(nginx.metric("mirrorgate_nginx_batch_calls_total")).isEqualTo(calls + sizes.size());
    }

    @Test
    void statusPageCountsDecisions() {
        long before = nginx.metric("mirrorgate_nginx_decisions_total{action=\"redirect\"}");
        nginx.get("/pool/a");
        nginx.http2("GET", "/pool/b");
        assertThat(nginx.metric("mirrorgate_nginx_decisions_total{action=\"redirect\"}")).isEqualTo(before + 2);
        assertThat(nginx.status()).contains("mirrorgate_nginx_breaker_open{replica=\"" + service.address() + "\"} 0");
    }
}
