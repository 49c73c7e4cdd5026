package org.mirrorgate.nginx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mirrorgate.nginx.TestResolverServer.Mode;

/**
 * Fail-open through a real nginx: whatever happens to the service (stopped, hung, error status,
 * garbage, restarted, GOAWAY), clients get the file from nginx (or the fallback redirect), never a
 * 5xx; failures are counted and logged rate-limited, and the circuit breaker stops paying the timeout.
 * Each test starts its own nginx, so breaker state does not leak between tests.
 */
class NginxFailOpenIT {

    static final byte[] LOCAL = "served by nginx itself\n".getBytes(StandardCharsets.US_ASCII);
    static final String FILE = "/pool/main/h/hello.deb";

    private Path root;
    private final List<AutoCloseable> closeAtEnd = new ArrayList<>();
    private NginxHarness nginx;

    @BeforeEach
    void tree() {
        NginxHarness.assumeNginx();
        root = NginxHarness.tree(Map.of(FILE.substring(1), LOCAL, "pool/a b.deb", LOCAL));
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (nginx != null) {
                assertThat(nginx.unexpectedErrors()).as("nginx error log").isEmpty();
            }
        } finally {
            for (AutoCloseable c : closeAtEnd) {
                c.close();
            }
            NginxHarness.deleteTree(root);
        }
    }

    private TestResolverServer service() {
        TestResolverServer s = TestResolverServer.start();
        closeAtEnd.add(s);
        return s;
    }

    private NginxHarness nginx(NginxHarness.Builder b) {
        NginxHarness n = b.start();
        closeAtEnd.add(0, n);
        return n;
    }

    private static void assertServedLocally(HttpResponse<byte[]> r) {
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(LOCAL);
    }

    private long failopen(String reason) {
        return nginx.metric("mirrorgate_nginx_failopen_total{reason=\"" + reason + "\"}");
    }

    @Test
    void stoppedServiceMeansLocalServingAndABreakerThatStopsTheAttempts() {
        String down = "127.0.0.1:" + NginxHarness.freePort();
        nginx = nginx(NginxHarness.builder(root).replicas(down));
        for (int i = 0; i < 6; i++) {
            assertServedLocally(nginx.get(FILE));
            assertServedLocally(nginx.http2("GET", FILE));
        }
        assertThat(failopen("connect")).as("attempts until the breaker opened").isEqualTo(5);
        assertThat(failopen("breaker")).isEqualTo(7);
        assertThat(nginx.status()).contains("mirrorgate_nginx_breaker_open{replica=\"" + down + "\"} 1");
        assertThat(nginx.errorLogLines("mirrorgate: replica " + down))
                .as("one line per failure kind per interval, not one per request")
                .hasSize(2)
                .anySatisfy(l -> assertThat(l).contains("connect (connection refused)"))
                .anySatisfy(l -> assertThat(l).contains("breaker open after 5 consecutive failures"));
    }

    @Test
    void hungServiceCostsTheTimeoutOnlyUntilTheBreakerOpensThenProbesAgain() {
        TestResolverServer service = service();
        service.mode(Mode.HANG);
        nginx = nginx(NginxHarness.builder(root).replicas(service.address()).set("TIMEOUT_MS", 300)
                .set("BREAKER_FAILURES", 3).set("BREAKER_OPEN_S", 2));
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            assertServedLocally(nginx.get(FILE));
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(290));
        }
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            assertServedLocally(i % 2 == 0 ? nginx.get(FILE) : nginx.http2("GET", FILE));
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("breaker open: no call, no wait")
                    .isLessThan(Duration.ofMillis(150));
        }
        assertThat(service.calls()).hasSize(3);
        assertThat(failopen("timeout")).isEqualTo(3);
        assertThat(failopen("breaker")).isEqualTo(5);
        await().atMost(Duration.ofSeconds(5)).until(() -> service.cancelled() == 3);

        service.mode(Mode.DECIDE);
        await().atMost(Duration.ofSeconds(10)).until(() -> nginx.get(FILE).statusCode() == 302);
        assertThat(nginx.get(FILE).statusCode()).isEqualTo(302);
    }

    @Test
    void errorStatusFailsOpenAndCounts() {
        TestResolverServer service = service();
        service.mode(Mode.ERROR);
        nginx = nginx(NginxHarness.builder(root).replicas(service.address()));
        for (int i = 0; i < 2; i++) {
            assertServedLocally(nginx.get(FILE));
            assertServedLocally(nginx.http2("GET", FILE));
        }
        assertThat(failopen("status")).isEqualTo(4);
        assertThat(nginx.errorLogLines("grpc-status 13: test: boom")).hasSize(1);
    }

    @Test
    void invalidArgumentIsTheRequestsFaultAndDoesNotOpenTheBreaker() {
        TestResolverServer service = service();
        service.mode(Mode.INVALID_ARGUMENT);
        nginx = nginx(NginxHarness.builder(root).replicas(service.address()).set("BREAKER_FAILURES", 3));
        for (int i = 0; i < 6; i++) {
            assertServedLocally(nginx.get(FILE));
        }
        service.mode(Mode.DECIDE);
        assertThat(nginx.get(FILE).statusCode()).isEqualTo(302);
        assertThat(failopen("breaker")).isZero();
    }

    @Test
    void undecodableReplyFailsOpen() {
        TestResolverServer service = service();
        service.mode(Mode.GARBAGE);
        nginx = nginx(NginxHarness.builder(root).replicas(service.address()));
        for (int i = 0; i < 2; i++) {
            assertServedLocally(nginx.get(FILE));
            assertServedLocally(nginx.http2("GET", FILE));
        }
        assertThat(failopen("decode")).isEqualTo(4);
    }

    @Test
    void refusedReplicaFailsOverToTheNextWithinTheSameRequest() {
        TestResolverServer service = service();
        String down = "127.0.0.1:" + NginxHarness.freePort();
        nginx = nginx(NginxHarness.builder(root).replicas(down, service.address()));
        for (int i = 0; i < 8; i++) {
            assertThat(nginx.get(FILE).statusCode()).isEqualTo(302);
            assertThat(nginx.http2("GET", FILE).statusCode()).isEqualTo(302);
        }
        assertThat(service.calls()).hasSize(16);
        assertThat(nginx.metric("mirrorgate_nginx_rpc_errors_total{replica=\"" + down + "\",kind=\"connect\"}"))
                .as("then its breaker keeps it out").isEqualTo(5);
        assertThat(failopen("connect")).isZero();
    }

    @Test
    void unavailableReplicaFailsOverToTheNext() {
        TestResolverServer first = service();
        TestResolverServer second = service();
        first.mode(Mode.UNAVAILABLE);
        nginx = nginx(NginxHarness.builder(root).replicas(first.address(), second.address()));
        for (int i = 0; i < 3; i++) {
            assertThat(nginx.get(FILE).statusCode()).isEqualTo(302);
        }
        assertThat(first.calls()).hasSize(3);
        assertThat(second.calls()).hasSize(3);
    }

    @Test
    void fallbackUrlReceivesFailedOpenRequestsWithTheSchemeRule() {
        String down = "127.0.0.1:" + NginxHarness.freePort();
        nginx = nginx(NginxHarness.builder(root).replicas(down)
                .set("FALLBACK_URL", "https://fallback.example.org/debian/"));
        for (int i = 0; i < 2; i++) {
            HttpResponse<byte[]> r = nginx.get("/pool/a%20b.deb");
            assertThat(r.statusCode()).isEqualTo(302);
            assertThat(r.headers().firstValue("Location")).hasValue("https://fallback.example.org/debian/pool/a%20b.deb");
            assertThat(r.headers().firstValue("Cache-Control")).hasValue("private, no-cache");
            assertThat(nginx.http2("GET", FILE).headers().firstValue("location"))
                    .hasValue("https://fallback.example.org/debian" + FILE);
        }
        nginx.close();

        // the tree below /pool/ served under /pool/: the fallback gets the path below the prefix
        nginx = nginx(NginxHarness.builder(root.resolve("pool")).replicas(down)
                .set("FALLBACK_URL", "http://fallback.example.org/").set("URL_PREFIX", "/pool/"));
        assertThat(nginx.get(FILE).headers().firstValue("Location")).hasValue("http://fallback.example.org/main/h/hello.deb");
        assertServedLocally(nginx.http2("GET", FILE)); // never from https to http
        assertThat(nginx.metric("mirrorgate_nginx_fallback_redirects_total")).isEqualTo(1);
    }

    /**
     * A service without ResolveStream (with only Resolve, or Resolve and ResolveBatch): its downloads fail
     * open like any error status, counted and tripping the breaker; the hook calls nothing else instead
     * (no ResolveBatch or per-download Resolve fallback). Queries still go as unary Resolve calls.
     */
    @ParameterizedTest
    @EnumSource(value = TestResolverServer.Api.class, names = {"RESOLVE", "BATCH"})
    void serviceWithoutResolveStreamMeansDownloadsServedLocally(TestResolverServer.Api api) {
        TestResolverServer service = TestResolverServer.start(null, api);
        closeAtEnd.add(service);
        nginx = nginx(NginxHarness.builder(root).replicas(service.address()));
        HttpResponse<byte[]> sum = nginx.get(FILE + "?sha256");
        assertThat(sum.statusCode()).isEqualTo(200);
        assertThat(new String(sum.body(), StandardCharsets.UTF_8)).isEqualTo("0123abcd  " + FILE + "\n");
        for (int i = 0; i < 4; i++) {
            assertServedLocally(nginx.get(FILE));
            assertServedLocally(nginx.http2("GET", FILE));
        }
        assertThat(service.unaryCalls()).as("the query's Resolve call alone").isEqualTo(1);
        assertThat(service.batchSizes()).as("no ResolveBatch calls").isEmpty();
        // the first breaker_failures (5) downloads fail with the status, the rest skip the open breaker
        assertThat(failopen("status")).isEqualTo(5);
        assertThat(failopen("breaker")).isEqualTo(3);
        assertThat(nginx.errorLogLines("grpc-status 12")).isNotEmpty().allMatch(l -> l.contains("[warn]"));
        assertThat(nginx.errorLogLines("breaker open after 5 consecutive failures")).hasSize(1);
    }

    @Test
    void batchingOffCallsResolveForEachRequest() {
        TestResolverServer service = service();
        nginx = nginx(NginxHarness.builder(root).replicas(service.address()).set("BATCH", false));
        for (int i = 0; i < 3; i++) {
            assertThat(nginx.get(FILE).statusCode()).isEqualTo(302);
        }
        assertThat(service.unaryCalls()).isEqualTo(3);
        assertThat(service.batchSizes()).isEmpty();
    }

    @Test
    void serviceRestartIsInvisibleToClients() {
        TestResolverServer service = service();
        nginx = nginx(NginxHarness.builder(root).replicas(service.address()));
        for (int i = 0; i < 10; i++) {
            assertThat(nginx.get(FILE).statusCode()).isEqualTo(302);
            assertThat(nginx.http2("GET", FILE).statusCode()).isEqualTo(302);
        }
        service.restart(); // graceful: GOAWAY on the pooled connections
        for (int i = 0; i < 10; i++) {
            assertThat(nginx.get(FILE).statusCode()).isEqualTo(302);
            assertThat(nginx.http2("GET", FILE).statusCode()).isEqualTo(302);
        }
        assertThat(nginx.status()).doesNotContainPattern("failopen_total\\{reason=\"\\w+\"\\} [1-9]");
    }

    @Test
    void reloadKeepsDecidingAndTheOldWorkersWithTheirBatchDispatchersExit() {
        TestResolverServer service = service();
        nginx = nginx(NginxHarness.builder(root).replicas(service.address()));
        for (int i = 0; i < 10; i++) {
            assertThat(nginx.get(FILE).statusCode()).isEqualTo(302);
        }
        var before = nginx.workerPids();
        nginx.reload();
        // the dispatcher light threads notice ngx.worker.exiting() within a second
        await().atMost(Duration.ofSeconds(10)).until(() -> nginx.workerPids().stream().noneMatch(before::contains)
                && nginx.workerPids().size() == 2);
        for (int i = 0; i < 10; i++) {
            assertThat(nginx.get(FILE).statusCode()).isEqualTo(302);
            assertThat(nginx.http2("GET", FILE).statusCode()).isEqualTo(302);
        }
        assertThat(nginx.status()).doesNotContainPattern("failopen_total\\{reason=\"\\w+\"\\} [1-9]");
    }

    @Test
    void goawayFromConnectionAgeLimitsIsInvisibleToClients() {
        TestResolverServer service = TestResolverServer.start(Duration.ofMillis(20), TestResolverServer.Api.STREAM);
        closeAtEnd.add(service);
        nginx = nginx(NginxHarness.builder(root).replicas(service.address()));
        for (int i = 0; i < 150; i++) {
            assertThat(nginx.get(FILE).statusCode()).isEqualTo(302);
            assertThat(nginx.http2("GET", FILE).statusCode()).isEqualTo(302);
        }
        assertThat(nginx.status()).doesNotContainPattern("failopen_total\\{reason=\"\\w+\"\\} [1-9]");
    }
}
