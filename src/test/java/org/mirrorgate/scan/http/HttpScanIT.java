package org.mirrorgate.scan.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorgate.scan.monitor.ScanOutcome;
import org.mirrorgate.testing.Closer;
import org.mirrorgate.testing.MirrorScanFixture;
import org.mirrorgate.testing.MirrorTree;
import org.mirrorgate.testing.NginxServer;
import org.mirrorgate.testing.TestCertificates;

/** HTTP(S) index scans against real nginx (HTML and JSON autoindex, TLS) and crafted pages. */
class HttpScanIT {

    private static final long T0 = Instant.parse("2024-01-15T08:13:33Z").toEpochMilli();
    private static final long T0_MINUTE = Instant.parse("2024-01-15T08:13:00Z").toEpochMilli();

    @TempDir
    Path tmp;

    private MirrorTree local;
    @AutoClose
    final Closer closer = new Closer();

    @BeforeEach
    void localTree() throws IOException {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        local = MirrorTree.at(tmp.resolve("local"));
        for (int i = 0; i < 24; i++) {
            local.file("pool/p" + i % 4 + "/pkg" + i + ".deb", 100 + i, T0 + i * 60_000L);
        }
        local.file("odd/with space & amp.txt", 3, T0).file("odd/-dash", 4, T0).file("odd/ünï 日本.txt", 5, T0)
                .file("odd/100%.txt", 6, T0).file("dists/stable/Release", 50, T0);
    }

    private MirrorScanFixture fixture(String http, String https) {
        MirrorScanFixture fx = new MirrorScanFixture(List.of(MirrorScanFixture.mirror("m", http, https, null, null)));
        local.publishAsLocal(fx.index, System.currentTimeMillis());
        return fx;
    }

    @Test
    void nginxHtmlIndexesAreComparedAtTheMinute() {
        MirrorTree copy = local.copyTo(MirrorTree.at(tmp.resolve("copy")));
        copy.file("pool/p1/pkg1.deb", 101, T0 + 60_000 + 20_000); // same minute: indistinguishable in HTML
        copy.file("pool/p2/pkg2.deb", 102, T0 - 3_600_000); // an hour older
        copy.file("elsewhere/big.iso", 10, T0); // no local files there: never fetched
        NginxServer nginx = closer.add(NginxServer.serving(tmp.resolve("nginx"), copy.root()).start());
        MirrorScanFixture fx = fixture(nginx.httpUrl(), null);

        ScanOutcome o = fx.scanM("http-scan-concurrency: 2\nhttp-scan-delay: 10ms", closer);

        assertThat(o.success()).as(o.summary()).isTrue();
        assertThat(o.protocol()).isEqualTo("http");
        assertThat(o.entries()).isEqualTo(29);
        assertThat(o.matching()).isEqualTo(28);
        assertThat(o.outdated()).isEqualTo(1);
        assertThat(o.summary()).contains("mtime precision 1m");
        assertThat(fx.matches("m", "odd/with space & amp.txt")).isTrue();
        assertThat(fx.matches("m", "odd/ünï 日本.txt")).isTrue();
        assertThat(fx.matches("m", "odd/100%.txt")).isTrue();
        assertThat(fx.outdated("m", "pool/p2/pkg2.deb")).isTrue();
        assertThat(nginx.accessLog()).doesNotContain("/elsewhere/");
    }

    @Test
    void nginxJsonIndexesOverTrustedTlsAreComparedToTheSecond() {
        TestCertificates certs = TestCertificates.in(tmp.resolve("certs"));
        Path cert = certs.valid("mirror");
        MirrorTree copy = local.copyTo(MirrorTree.at(tmp.resolve("copy")));
        copy.file("pool/p1/pkg1.deb", 101, T0 + 60_000 + 5_000); // 5 s off: JSON shows it
        NginxServer nginx = closer.add(NginxServer.serving(tmp.resolve("nginx"), copy.root())
                .https(cert, certs.keyOf(cert)).directive("autoindex_format json;").start());
        MirrorScanFixture fx = fixture(null, nginx.httpsUrl());

        ScanOutcome o = fx.scanM("tls-ca-file: " + certs.caFile(), closer);

        assertThat(o.success()).as(o.summary()).isTrue();
        assertThat(o.matching()).isEqualTo(28);
        assertThat(fx.outdated("m", "pool/p1/pkg1.deb")).isTrue();
        assertThat(o.summary()).doesNotContain("mtime precision");
    }

    @Test
    void anUntrustedCertificateFailsTheHttpsScan() {
        TestCertificates certs = TestCertificates.in(tmp.resolve("certs"));
        Path cert = certs.selfSigned("self");
        NginxServer nginx = closer.add(NginxServer.serving(tmp.resolve("nginx"), local.root())
                .https(cert, certs.keyOf(cert)).start());
        MirrorScanFixture fx = fixture(null, nginx.httpsUrl());

        ScanOutcome o = fx.scanM("tls-ca-file: " + certs.caFile(), closer);

        assertThat(o.success()).isFalse();
        assertThat(o.summary()).contains("http: certificate not trusted");
    }

    @Test
    void anIndexInLocalTimeGetsItsTimezoneOffsetDetected() {
        MirrorTree copy = local.copyTo(MirrorTree.at(tmp.resolve("copy")));
        NginxServer nginx = closer.add(NginxServer.serving(tmp.resolve("nginx"), copy.root())
                .directive("autoindex_localtime on;").timezone("Etc/GMT-3").start()); // UTC+3
        MirrorScanFixture fx = fixture(nginx.httpUrl(), null);

        ScanOutcome o = fx.scanM("", closer);

        assertThat(o.success()).as(o.summary()).isTrue();
        assertThat(o.matching()).isEqualTo(29);
        assertThat(o.summary()).contains("timezone offset now -180 min");
        assertThat(fx.state("m").tzOffsetMillis()).isEqualTo(-3 * 3_600_000L);
    }

    @Test
    void apacheStyleIndexesWithRoundedSizesAreRead() throws IOException {
        local.file("apache/big.iso", 1_250_000, T0).file("apache/bigger.iso", 1_400_000, T0)
                .file("apache/small.txt", 5, T0).file("apache/sub/inner.txt", 7, T0);
        MirrorTree copy = local.copyTo(MirrorTree.at(tmp.resolve("copy")));
        Files.writeString(copy.root().resolve("apache/index.html"), """
                <!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">
                <html><head><title>Index of /apache</title></head><body><h1>Index of /apache</h1>
                  <table>
                   <tr><th valign="top"><img src="/icons/blank.gif" alt="[ICO]"></th><th><a href="?C=N;O=D">Name</a></th><th><a href="?C=M;O=A">Last modified</a></th><th><a href="?C=S;O=A">Size</a></th></tr>
                <tr><td valign="top"><img src="/icons/back.gif" alt="[PARENTDIR]"></td><td><a href="/">Parent Directory</a></td><td>&nbsp;</td><td align="right">  - </td></tr>
                <tr><td valign="top"><img src="/icons/unknown.gif" alt="[   ]"></td><td><a href="big.iso">big.iso</a></td><td align="right">2024-01-15 08:13  </td><td align="right">1.2M</td></tr>
                <tr><td valign="top"><img src="/icons/unknown.gif" alt="[   ]"></td><td><a href="bigger.iso">bigger.iso</a></td><td align="right">2024-01-15 08:13  </td><td align="right">1.2M</td></tr>
                <tr><td valign="top"><img src="/icons/text.gif" alt="[TXT]"></td><td><a href="small.txt">small.txt</a></td><td align="right">2024-01-15 08:13  </td><td align="right">  5 </td></tr>
                <tr><td valign="top"><img src="/icons/folder.gif" alt="[DIR]"></td><td><a href="sub/">sub/</a></td><td align="right">2024-01-15 08:13  </td><td align="right">  - </td></tr>
                </table><address>Apache/2.4.57 (Debian) Server</address></body></html>
                """);
        NginxServer nginx = closer.add(NginxServer.serving(tmp.resolve("nginx"), copy.root()).start());
        MirrorScanFixture fx = fixture(nginx.httpUrl(), null);

        ScanOutcome o = fx.scanM("", closer);

        assertThat(o.success()).as(o.summary()).isTrue();
        assertThat(fx.matches("m", "apache/big.iso")).isTrue();
        assertThat(fx.outdated("m", "apache/bigger.iso")).as("1.4 MB is not 1.2M").isTrue();
        assertThat(fx.matches("m", "apache/small.txt")).isTrue();
        assertThat(fx.matches("m", "apache/sub/inner.txt")).isTrue();
        assertThat(o.rejected()).isZero();
    }

    @Test
    void hostileIndexPagesAreRejectedEntryByEntryWithAClearEvent() throws IOException {
        local.file("hostile/ok.txt", 3, T0_MINUTE);
        MirrorTree copy = local.copyTo(MirrorTree.at(tmp.resolve("copy")));
        String row = "                      15-Jan-2024 08:13                   3\n";
        Files.writeString(copy.root().resolve("hostile/index.html"), "<html><body><pre>"
                + "<a href=\"../\">../</a>\n"
                + "<a href=\"ok.txt\">ok.txt</a>" + row
                + "<a href=\"../../etc/passwd\">passwd</a>" + row
                + "<a href=\"/etc/shadow\">shadow</a>" + row
                + "<a href=\"http://evil.example/x\">x</a>" + row
                + "<a href=\"%2e%2e%2fescape\">e</a>" + row
                + "<a href=\"bad%ffname\">b</a>" + row
                + "<a href=\"ctl%1b%5b2J\">c</a>" + row
                + "<a href=\"" + "y".repeat(60_000) + "\">long</a>" + row
                + "\u0000\u0001\u00ff<a href=\"\u0000\">\u0002</a>" + row
                + "</pre></body></html>\n", StandardCharsets.ISO_8859_1);
        NginxServer nginx = closer.add(NginxServer.serving(tmp.resolve("nginx"), copy.root()).start());
        MirrorScanFixture fx = fixture(nginx.httpUrl(), null);

        ScanOutcome o = fx.scanM("", closer);

        assertThat(o.success()).as(o.summary()).isTrue();
        assertThat(fx.matches("m", "hostile/ok.txt")).isTrue();
        assertThat(o.rejected()).isEqualTo(8);
        assertThat(o.summary()).contains("link outside the directory (e.g. ../../etc/passwd)", "name not UTF-8",
                "control character", "line too long");
        assertThat(fx.eventText("m")).contains("8 rejected");
    }

    @Test
    void workersStayUnderTheConcurrencyCapAndPauseBetweenRequests() throws IOException {
        for (int i = 0; i < 12; i++) {
            local.file("d" + i + "/f", 1, T0_MINUTE);
        }
        AtomicInteger active = new AtomicInteger();
        AtomicInteger max = new AtomicInteger();
        AtomicInteger requests = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(Executors.newFixedThreadPool(16));
        server.createContext("/", ex -> {
            max.accumulateAndGet(active.incrementAndGet(), Math::max);
            requests.incrementAndGet();
            String path = ex.getRequestURI().getPath();
            StringBuilder page = new StringBuilder("<pre>\n");
            if (path.equals("/")) {
                for (int i = 0; i < 12; i++) {
                    page.append("<a href=\"d").append(i).append("/\">d").append(i).append("/</a> 15-Jan-2024 08:13 -\n");
                }
            } else {
                page.append("<a href=\"f\">f</a> 15-Jan-2024 08:13 1\n");
            }
            byte[] body = page.toString().getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            active.decrementAndGet();
            ex.close();
        });
        server.start();
        closer.add(() -> server.stop(0));
        MirrorScanFixture fx = fixture("http://127.0.0.1:" + server.getAddress().getPort() + "/", null);
        long start = System.nanoTime();

        ScanOutcome o = fx.scanM("http-scan-concurrency: 2\nhttp-scan-delay: 50ms", closer);

        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(o.success()).as(o.summary()).isTrue();
        assertThat(fx.matches("m", "d11/f")).isTrue();
        assertThat(requests.get()).isEqualTo(13);
        assertThat(max.get()).isLessThanOrEqualTo(2);
        assertThat(elapsedMillis).as("13 requests, 2 workers, 50 ms pause each").isGreaterThanOrEqualTo(7 * 50);
    }
}
