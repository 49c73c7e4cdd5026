package org.mirrorgate.apt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.mirrorgate.api.v1.MirrorAdminGrpc;
import org.mirrorgate.api.v1.ScanMirrorRequest;
import org.mirrorgate.config.ConfigLoader;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.mirror.ProtocolHealth;
import org.mirrorgate.server.MirrorgateServer;
import org.mirrorgate.testing.FreePorts;
import org.mirrorgate.testing.GatewayNginx;
import org.mirrorgate.testing.NginxServer;
import org.mirrorgate.testing.RsyncDaemon;

/**
 * Real apt through the whole path (issue 18): a small signed repository built with dpkg-deb,
 * apt-ftparchive and gpg; the origin's nginx (127.0.0.1) with the real hook and the real service;
 * two mirrors on loopback (nginx roots holding a copy on 127.0.0.2 and 127.0.0.3, scanned for real
 * over an rsync daemon; addresses of their own because apt, once an address refused a connection,
 * does not connect to it again in that run, whatever the port). {@code near}
 * declares the client's prefix (127.0.0.0/8), so it is every redirect's first choice and the first
 * line of the apt mirror list; {@code far} is the next. The real {@code apt-get update} and {@code
 * apt-get download} run chroot-free, every case asserting apt's exit code, that no fetch failed
 * (no "Err:", "Hash Sum mismatch", "File has unexpected size", "E:" or "W:" line) and that the
 * bytes apt saved are the origin's. The cases run in order: each leaves the mirrors in sync.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AptRealClientIT {

    static final String PREFIX = "/debian/";
    static final String HELLO_1 = "pool/main/h/hello-mg/hello-mg_1.0_all.deb";
    static final String HELLO_2 = "pool/main/h/hello-mg/hello-mg_2.0_all.deb";
    static final String GONE = "pool/main/g/gone-mg/gone-mg_1.0_all.deb";

    static Path top;
    static AptArchive archive;
    static RsyncDaemon rsync;
    static NginxServer near;
    static NginxServer far;
    static MirrorgateServer service;
    static GatewayNginx gateway;
    static ManagedChannel channel;
    static int gatewayPort;
    static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(GatewayNginx.available(), "needs nginx and libnginx-mod-http-lua (apt-get install nginx "
                + "libnginx-mod-http-lua lua-resty-core)");
        assumeTools();
        top = Files.createTempDirectory("mirrorgate-apt-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        archive = AptArchive.create(top.resolve("origin"), top.resolve("work"));
        archive.deb("hello-mg", "1.0", "hello, first version\n");
        archive.deb("gone-mg", "1.0", "deleted at the origin later\n");
        archive.publish();
        sync("near");
        sync("far");
        rsync = RsyncDaemon.in(top.resolve("rsyncd")).module("near", top.resolve("near"))
                .module("far", top.resolve("far")).start();
        near = NginxServer.serving(top.resolve("nginx-near"), top.resolve("near")).address("127.0.0.2").start();
        far = NginxServer.serving(top.resolve("nginx-far"), top.resolve("far")).address("127.0.0.3").start();
        gatewayPort = FreePorts.next();
        Path socket = top.resolve("grpc.sock");
        Path yaml = top.resolve("mirrorgate.yaml");
        Files.writeString(yaml, """
                repository:
                  root: %s
                  url-prefix: /debian/
                  scan-interval: 1h
                  deleted-grace: 1h
                  watch: true
                listen:
                  grpc: 127.0.0.1:0
                  grpc-socket: %s
                  metrics: ""
                store:
                  path: state
                scan:
                  interval: 1h
                  jitter: 0s
                  probe-interval: 1s
                  probe-timeout: 1s
                  down-after: 1
                  up-after: 1
                resolve:
                  warmup-calls: 500
                  apt-mirror-list: http://127.0.0.1:%d/debian/mirrors.txt
                mirrors:
                  - name: near
                    http-url: %s
                    rsync-url: %s
                    prefixes: [127.0.0.0/8]
                  - name: far
                    http-url: %s
                    rsync-url: %s
                """.formatted(archive.root(), socket, gatewayPort, near.httpUrl(), rsync.url("near"), far.httpUrl(),
                rsync.url("far")));
        service = MirrorgateServer.create(ConfigLoader.load(yaml));
        service.start();
        await().atMost(Duration.ofSeconds(60)).until(service::isServing);
        channel = NettyChannelBuilder.forAddress("127.0.0.1", service.grpcPort()).usePlaintext().build();
        scan("near");
        scan("far");
        await().atMost(Duration.ofSeconds(10)).until(() -> health("near").status() == ProtocolHealth.Status.UP
                && health("far").status() == ProtocolHealth.Status.UP);
        gateway = GatewayNginx.start(top.resolve("gateway"), gatewayPort, Map.of("ROOT", archive.root().toString(),
                "URL_PREFIX", PREFIX, "REPLICAS", "unix:" + socket));
    }

    /** apt-ftparchive (apt-utils) is often missing: installed here when running as root, else the test is skipped. */
    static void assumeTools() {
        boolean root = "root".equals(System.getProperty("user.name"));
        if (Commands.run(Path.of("/"), List.of("sh", "-c", "command -v apt-ftparchive")).exit() != 0 && root) {
            Commands.run(Path.of("/"), List.of("apt-get", "install", "-y", "-q", "apt-utils"));
        }
        for (String tool : List.of("apt-ftparchive", "dpkg-deb", "gpg", "apt-get", "rsync", "xz")) {
            assumeTrue(Commands.run(Path.of("/"), List.of("sh", "-c", "command -v " + tool)).exit() == 0,
                    tool + " is missing (apt-get install apt-utils dpkg gpg rsync xz-utils)");
        }
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {gateway, near, far, rsync}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // best effort
            }
        }
        if (channel != null) {
            channel.shutdownNow();
        }
        if (service != null) {
            service.stop();
        }
        if (archive != null) {
            archive.close();
        }
        if (top != null && !Boolean.getBoolean("mirrorgate.keepApt")) {
            Commands.run(Path.of("/"), List.of("rm", "-rf", top.toString()));
        }
    }

    @AfterEach
    void noErrorsLogged() {
        // a mirror stopped on purpose: the hook never connects to it, so nothing is expected at all
        assertThat(gateway.unexpectedErrors()).isEmpty();
    }

    @Test
    @Order(1)
    void plainRedirectsServeAptUpdateAndDownloadFromTheMirrors() throws Exception {
        AptClient apt = AptClient.at(top.resolve("client-plain"), redirectLine());
        int nearLog = near.accessLog().length();

        ok(apt.update());
        ok(apt.download("hello-mg"));

        assertSameBytes(apt, HELLO_1);
        String served = near.accessLog().substring(nearLog);
        assertThat(served).contains("GET /dists/stable/InRelease ").contains("GET /" + HELLO_1 + " ")
                .contains("GET /dists/stable/main/binary-amd64/by-hash/SHA512/");
    }

    @Test
    @Order(2)
    void aMirrorLaggingAfterAMetadataRewriteNeverBreaksAptUpdate() throws Exception {
        AptClient before = AptClient.at(top.resolve("client-lag-before"), redirectLine());
        ok(before.update());
        archive.deb("hello-mg", "2.0", "hello, second version\n");
        archive.publish();
        awaitIndexed("dists/stable/InRelease");
        sync("far"); // far syncs the new generation, near keeps the old one
        scan("far");
        scan("near");
        assertThat(get(PREFIX + "dists/stable/InRelease?mirrorlist=text").body()).containsPattern("near +file outdated");
        int nearLog = near.accessLog().length();

        for (int i = 0; i < 3; i++) { // fresh clients, and the one holding the previous generation
            AptClient apt = AptClient.at(top.resolve("client-lag-" + i), redirectLine());
            ok(apt.update());
            ok(apt.download("hello-mg=2.0"));
            assertSameBytes(apt, HELLO_2);
        }
        ok(before.update());
        ok(before.download("hello-mg=2.0"));
        assertSameBytes(before, HELLO_2);

        String servedByLagging = near.accessLog().substring(nearLog);
        assertThat(servedByLagging).doesNotContain("/dists/stable/InRelease").doesNotContain("/Packages ")
                .doesNotContain("/Packages.xz ").doesNotContain("/Release ");
        sync("near");
        scan("near");
    }

    @Test
    @Order(3)
    void aMirrorThatIsDownIsAvoided() throws Exception {
        near.close();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> health("near").status() == ProtocolHealth.Status.DOWN);
            AptClient apt = AptClient.at(top.resolve("client-down"), redirectLine());
            ok(apt.update());
            ok(apt.download("hello-mg=1.0"));
            assertSameBytes(apt, HELLO_1);
        } finally {
            near.restart();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> health("near").status() == ProtocolHealth.Status.UP);
    }

    @Test
    @Order(4)
    void aPackageDeletedAtTheOriginIsStillServedToAClientWithOlderMetadata() throws Exception {
        AptClient apt = AptClient.at(top.resolve("client-deleted"), redirectLine());
        ok(apt.update());
        byte[] original = Files.readAllBytes(archive.root().resolve(GONE));
        Files.delete(archive.root().resolve(GONE));
        archive.publish();
        awaitIndexed("dists/stable/InRelease");
        await().atMost(Duration.ofSeconds(10)).until(() -> files().isDeleted(files().idOf(GONE)));
        sync("near"); // the mirrors take the new metadata and, like ftpsync before its cleanup, keep the file
        sync("far");
        scan("near");
        scan("far");
        assertThat(get(PREFIX + GONE).headers().firstValue("Location")).hasValue(near.httpUrl() + GONE);

        ok(apt.download("gone-mg"));

        assertThat(Files.readAllBytes(apt.downloads().resolve("gone-mg_1.0_all.deb"))).isEqualTo(original);
    }

    @Test
    @Order(5)
    void theMirrorMethodListsNearestFirstAndAptFallsOverWhenTheFirstIsDown() throws Exception {
        String list = get(PREFIX + "mirrors.txt").body();
        assertThat(list.lines().filter(l -> !l.startsWith("#")).toList()).containsExactly(
                near.httpUrl() + "\tpriority:1", far.httpUrl() + "\tpriority:2",
                "http://127.0.0.1:" + gatewayPort + PREFIX + "\tpriority:3");
        assertThat(get(PREFIX + "?mirrorlist=apt").body()).isEqualTo(list);

        AptClient apt = AptClient.at(top.resolve("client-mirror"), mirrorLine());
        ok(apt.update());
        ok(apt.download("hello-mg=2.0"));
        assertSameBytes(apt, HELLO_2);

        // apt's own fallover, deterministically: the list as the service gave it while near was up
        // (the service drops a mirror from the list once a probe finds it down, so a list fetched
        // later may no longer name it), read through mirror+file.
        Path saved = top.resolve("mirrors-saved.txt");
        Files.writeString(saved, list);
        int farLog = far.accessLog().length();
        near.close();
        try {
            AptClient over = AptClient.at(top.resolve("client-mirror-over"), "deb [signed-by=" + archive.keyring()
                    + "] mirror+file:" + saved + " stable main");
            ok(over.update());
            ok(over.download("hello-mg=2.0"));
            assertSameBytes(over, HELLO_2);
            assertThat(far.accessLog().substring(farLog)).contains("GET /dists/stable/InRelease ")
                    .contains("GET /" + HELLO_2 + " ");

            // and through the service: whether or not a probe has dropped near from the list yet
            AptClient live = AptClient.at(top.resolve("client-mirror-live"), mirrorLine());
            ok(live.update());
            ok(live.download("hello-mg=2.0"));
            assertSameBytes(live, HELLO_2);
            await().atMost(Duration.ofSeconds(10)).until(() -> !get(PREFIX + "mirrors.txt").body()
                    .contains(near.httpUrl()));
        } finally {
            near.restart();
        }
    }

    // --- helpers

    static String redirectLine() {
        return "deb [signed-by=" + archive.keyring() + "] http://127.0.0.1:" + gatewayPort + PREFIX + " stable main";
    }

    static String mirrorLine() {
        return "deb [signed-by=" + archive.keyring() + "] mirror+http://127.0.0.1:" + gatewayPort + PREFIX
                + "mirrors.txt stable main";
    }

    /** apt succeeded, and no fetch failed on the way. */
    static void ok(Commands.Result r) {
        System.out.println("--- apt-get, exit " + r.exit() + "\n" + r.output());
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).doesNotContain("Hash Sum mismatch").doesNotContain("File has unexpected size")
                .doesNotContainPattern("(?m)^(Err:|E:|W:)");
    }

    static void assertSameBytes(AptClient apt, String rel) throws IOException {
        Path saved = apt.downloads().resolve(rel.substring(rel.lastIndexOf('/') + 1));
        assertThat(Files.readAllBytes(saved)).isEqualTo(Files.readAllBytes(archive.root().resolve(rel)));
    }

    /** Copies the origin to a mirror the way a mirror syncs (rsync -a; nothing deleted). */
    static void sync(String mirror) {
        Commands.check(top, "rsync", "-a", archive.root() + "/", top.resolve(mirror) + "/");
    }

    /**
     * A scan of {@code mirror} started now, after the changes the caller made: a scheduled scan
     * running already (the monitor scans at start) is waited out, then a manual one is run.
     */
    static void scan(String mirror) {
        String[] summary = {""};
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            try {
                var it = MirrorAdminGrpc.newBlockingStub(channel)
                        .scanMirror(ScanMirrorRequest.newBuilder().setName(mirror).build());
                while (it.hasNext()) {
                    summary[0] = it.next().getSummary();
                }
                return true;
            } catch (io.grpc.StatusRuntimeException e) {
                if (e.getStatus().getCode() == io.grpc.Status.Code.ABORTED) {
                    return false; // "a scan of <mirror> is already running"
                }
                throw e;
            }
        });
        assertThat(summary[0]).startsWith("ok via rsync");
    }

    static void awaitIndexed(String rel) {
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            int id = files().idOf(rel);
            return id >= 0 && files().mtimeMillis(id) == Files.getLastModifiedTime(archive.root().resolve(rel)).toMillis()
                    && files().size(id) == Files.size(archive.root().resolve(rel));
        });
    }

    static FileTable files() {
        return service.services().index().snapshot().files();
    }

    static ProtocolHealth health(String mirror) {
        IndexSnapshot snap = service.services().index().snapshot();
        return snap.state(snap.positionOf(mirror)).http();
    }

    static HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gatewayPort + pathAndQuery)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
