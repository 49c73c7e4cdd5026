package org.mirrorgate.nginx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mirrorgate.config.ConfigLoader;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.mirror.AddressFamilies;
import org.mirrorgate.server.MirrorgateServer;

/**
 * Address families end to end on loopback (issue 17.3): Debian's nginx listening on 127.0.0.1 and
 * on [::1], the real hook, the real service. Its mirror monitor learns the families from the
 * mirrors' redirect hosts through the system resolver (address literals: 127.0.0.2 is IPv4 only,
 * [::1] IPv6 only; a third mirror declares both). A client that came over IPv6 is never sent to the
 * IPv4-only mirror, one that came over IPv4 never to the IPv6-only one, and ?mirrorlist says why.
 */
class NginxAddressFamiliesIT {

    static final byte[] DEB = "a package\n".getBytes(StandardCharsets.US_ASCII);
    static final String DEB_PATH = "/debian/pool/main/h/hello/hello_2.10_amd64.deb";

    static Path root;
    static Path configDir;
    static MirrorgateServer service;
    static NginxHarness nginx;
    static int v6Port;

    @BeforeAll
    static void start() throws Exception {
        NginxHarness.assumeNginx();
        root = NginxHarness.tree(Map.of("pool/main/h/hello/hello_2.10_amd64.deb", DEB));
        configDir = Files.createTempDirectory("mirrorgate-config-");
        Path yaml = configDir.resolve("mirrorgate.yaml");
        int grpcPort = NginxHarness.freePort();
        Files.writeString(yaml, """
                repository: {root: %s, url-prefix: /debian/, scan-interval: 1h, watch: false}
                listen: {grpc: "127.0.0.1:%d", metrics: ""}
                store: {path: state}
                resolve: {warmup-calls: 500}
                # The families are learned with the first health probe, at once (no jitter). Nothing
                # listens at the mirrors' ports: one probe a test run keeps them from being marked down
                # (it takes three failures), so the families alone decide here.
                scan: {jitter: 0s, probe-interval: 1h}
                mirrors:
                  - {name: v4only, http-url: "http://127.0.0.2:9/debian/", trusted: true}
                  - {name: v6only, http-url: "http://[::1]:9/debian/", trusted: true}
                  - {name: dual, http-url: "http://dual.example.org/debian/", trusted: true, families: both}
                """.formatted(root, grpcPort));
        service = MirrorgateServer.create(ConfigLoader.load(yaml));
        service.start();
        await().atMost(Duration.ofSeconds(60)).until(service::isServing);
        await().atMost(Duration.ofSeconds(30)).until(() -> learned("v4only") == AddressFamilies.IPV4
                && learned("v6only") == AddressFamilies.IPV6);
        v6Port = NginxHarness.freePort();
        nginx = NginxHarness.builder(root).replicas("127.0.0.1:" + grpcPort).set("URL_PREFIX", "/debian/")
                // a shared, loaded machine: a slow decision must not fail open and hide the answer
                .set("TIMEOUT_MS", 3000).set("H2C_LISTEN", "[::1]:" + v6Port).start();
    }

    private static AddressFamilies learned(String mirror) {
        IndexSnapshot s = service.services().index().snapshot();
        return s.state(s.positionOf(mirror)).families();
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

    /** curl over IPv6 to nginx's [::1] listener (cleartext HTTP/2): the status line, Location, body. */
    private static List<String> overIpv6(String pathAndQuery) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("curl", "-sS", "-g", "--http2-prior-knowledge", "-D", "-",
                "http://[::1]:" + v6Port + pathAndQuery).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out.lines().toList();
    }

    private static String location(List<String> response) {
        return response.stream().filter(l -> l.toLowerCase().startsWith("location:")).findFirst()
                .map(l -> l.substring("location:".length()).trim()).orElse("(no location) " + response);
    }

    @Test
    void anIpv6ClientGoesToAMirrorReachableOverIpv6AndAnIpv4ClientIsUnaffected() throws Exception {
        Map<String, Integer> v6 = new HashMap<>();
        Map<String, Integer> v4 = new HashMap<>();
        for (int i = 0; i < 40; i++) {
            List<String> r = overIpv6(DEB_PATH);
            assertThat(r.get(0)).startsWith("HTTP/2 302");
            v6.merge(host(location(r)), 1, Integer::sum);
            HttpResponse<byte[]> r4 = nginx.get(DEB_PATH);
            assertThat(r4.statusCode()).isEqualTo(302);
            v4.merge(host(r4.headers().firstValue("Location").orElseThrow()), 1, Integer::sum);
        }
        // Each client's draw is shared by the two mirrors of its family (capacity 1 each): both seen.
        assertThat(v6).containsOnlyKeys("[::1]:9", "dual.example.org");
        assertThat(v4).containsOnlyKeys("127.0.0.2:9", "dual.example.org");
    }

    @Test
    void theMirrorListOfAnIpv6ClientSaysWhyTheIpv4OnlyMirrorIsLeftOut() throws Exception {
        String v6 = String.join("\n", overIpv6(DEB_PATH + "?mirrorlist=text"));
        assertThat(v6).containsPattern("v4only +no ipv6");
        String v4 = new String(nginx.get(DEB_PATH + "?mirrorlist=text").body(), StandardCharsets.UTF_8);
        assertThat(v4).containsPattern("v6only +no ipv4").doesNotContain("no ipv6");
    }

    private static String host(String url) {
        String rest = url.substring(url.indexOf("//") + 2);
        return rest.substring(0, rest.indexOf('/'));
    }
}
