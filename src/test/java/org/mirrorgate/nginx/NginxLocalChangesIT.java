package org.mirrorgate.nginx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mirrorgate.api.v1.MirrorAdminGrpc;
import org.mirrorgate.api.v1.ScanMirrorRequest;
import org.mirrorgate.cli.CliAccess;
import org.mirrorgate.config.ConfigLoader;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.server.MirrorgateServer;
import org.mirrorgate.testing.RsyncDaemon;
import picocli.CommandLine;

/**
 * Local changes through the whole request path (issue 12): real nginx with the hook, the real
 * service watching its tree, and one mirror scanned for real over rsync from a copy of the tree.
 * A file added is served by nginx at once; a file changed in place is not redirected to the
 * mirror's old copy once the watcher saw it or {@code mirrorgate refresh} returned; a file deleted
 * goes to the mirror still holding it during the grace, then to nginx's own 404.
 */
class NginxLocalChangesIT {

    static final String PREFIX = "/debian/";
    static Path root;
    static Path mirrorCopy;
    static Path configDir;
    static RsyncDaemon rsync;
    static MirrorgateServer service;
    static NginxHarness nginx;
    static ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        NginxHarness.assumeNginx();
        Map<String, byte[]> files = Map.of(
                "pool/changed.deb", bytes("the old copy, which the mirror holds\n"),
                "pool/refreshed.deb", bytes("another old copy\n"),
                "pool/deleted.deb", bytes("soon deleted\n"),
                "pool/kept.deb", bytes("kept\n"));
        root = NginxHarness.tree(files);
        mirrorCopy = Files.createTempDirectory("mirrorgate-mirror-");
        for (String rel : files.keySet()) {
            Path to = mirrorCopy.resolve(rel);
            Files.createDirectories(to.getParent());
            Files.copy(root.resolve(rel), to, StandardCopyOption.COPY_ATTRIBUTES);
        }
        configDir = Files.createTempDirectory("mirrorgate-config-");
        Files.setPosixFilePermissions(configDir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        rsync = RsyncDaemon.in(configDir.resolve("rsync")).module("debian", mirrorCopy).start();
        Path socket = configDir.resolve("grpc.sock");
        Path yaml = configDir.resolve("mirrorgate.yaml");
        Files.writeString(yaml, """
                repository:
                  root: %s
                  url-prefix: /debian/
                  scan-interval: 1h
                  deleted-grace: 3s
                  watch: true
                listen:
                  grpc: 127.0.0.1:0
                  grpc-socket: %s
                  metrics: ""
                store:
                  path: state
                scan:
                  enabled: false
                resolve:
                  warmup-calls: 500
                mirrors:
                  - name: m1
                    http-url: http://m1.example.org/debian/
                    rsync-url: %s
                    countries: [DE]
                    continent: EU
                """.formatted(root, socket, rsync.url("debian")));
        service = MirrorgateServer.create(ConfigLoader.load(yaml));
        service.start();
        await().atMost(Duration.ofSeconds(60)).until(service::isServing);
        channel = NettyChannelBuilder.forAddress("127.0.0.1", service.grpcPort()).usePlaintext().build();
        assertThat(scanM1()).startsWith("ok via rsync: 4 files, 4 matching");
        nginx = NginxHarness.builder(root).replicas("unix:" + socket).set("URL_PREFIX", PREFIX).start();
    }

    /** Scans m1 now (its rsync module still holds every file of the first tree); the last summary. */
    private static String scanM1() {
        var it = MirrorAdminGrpc.newBlockingStub(channel).scanMirror(ScanMirrorRequest.newBuilder().setName("m1").build());
        String summary = "";
        while (it.hasNext()) {
            summary = it.next().getSummary();
        }
        return summary;
    }

    @AfterAll
    static void stop() {
        if (nginx != null) {
            nginx.close();
        }
        if (channel != null) {
            channel.shutdownNow();
        }
        if (service != null) {
            service.stop();
        }
        if (rsync != null) {
            rsync.close();
        }
        NginxHarness.deleteTree(root);
        NginxHarness.deleteTree(mirrorCopy);
        NginxHarness.deleteTree(configDir);
    }

    static final String DELETED_LOGGED = "/pool/deleted.deb\" failed (2: No such file or directory)";

    @AfterEach
    void noErrorsLogged() {
        assertThat(nginx.unexpectedErrors(DELETED_LOGGED)).isEmpty();
    }

    @Test
    void aFileAddedIsServedAtOnceAndStaysLocalOnceIndexed() throws Exception {
        byte[] body = bytes("brand new\n");
        Files.createDirectories(root.resolve("pool/main/n/new"));
        Files.write(root.resolve("pool/main/n/new/new_1.0_all.deb"), body);
        String url = PREFIX + "pool/main/n/new/new_1.0_all.deb";
        for (int i = 0; i < 3; i++) { // before and while the watcher indexes it
            HttpResponse<byte[]> r = nginx.get(url);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(body);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> files().idOf("pool/main/n/new/new_1.0_all.deb") >= 0);
        for (int i = 0; i < 2; i++) { // known now, held by no mirror: still served here
            assertThat(nginx.get(url).statusCode()).isEqualTo(200);
            assertThat(nginx.http2("GET", url).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aFileChangedInPlaceIsNotRedirectedToTheOldCopyOnceTheWatcherSawIt() throws Exception {
        String url = PREFIX + "pool/changed.deb";
        assertThat(nginx.get(url).headers().firstValue("Location")).hasValue("http://m1.example.org" + url);
        byte[] body = bytes("a new local copy, longer than the one on the mirror\n");
        Files.write(root.resolve("pool/changed.deb"), body);

        await().atMost(Duration.ofSeconds(5)).until(() -> size("pool/changed.deb") == body.length);
        for (int i = 0; i < 2; i++) {
            HttpResponse<byte[]> r = nginx.get(url);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(body);
        }
    }

    @Test
    void afterRefreshReturnsAChangedFileIsNotRedirectedToTheOldCopy() throws Exception {
        String url = PREFIX + "pool/refreshed.deb";
        assertThat(nginx.get(url).statusCode()).isEqualTo(302);
        byte[] body = bytes("refreshed by the archive tool, a longer copy\n");
        Files.write(root.resolve("pool/refreshed.deb"), body);

        Cli r = cli("refresh", "pool/refreshed.deb");

        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.out).startsWith("refreshed 1 path: ").contains(" ms (serving snapshot ");
        // at once, not eventually: the snapshot with the change served when refresh returned
        for (int i = 0; i < 2; i++) {
            HttpResponse<byte[]> h = nginx.get(url);
            assertThat(h.statusCode()).isEqualTo(200);
            assertThat(h.body()).isEqualTo(body);
        }
    }

    @Test
    void aDeletedFileGoesToTheMirrorStillHoldingItThenToNginxsOwn404() throws Exception {
        String url = PREFIX + "pool/deleted.deb";
        Files.delete(root.resolve("pool/deleted.deb"));
        await().atMost(Duration.ofSeconds(5)).until(() -> files().isDeleted(files().idOf("pool/deleted.deb")));
        // Before any scan or probe after the deletion, m1 (whose last scan listed it, and nothing
        // shows it deleting) is the last resort: nginx has no copy left, so the only other answer
        // would be a certain 404 (issue 19 point 5).
        HttpResponse<byte[]> early = nginx.get(url);
        assertThat(early.statusCode()).isEqualTo(302);
        assertThat(early.headers().firstValue("Location")).hasValue("http://m1.example.org" + url);
        assertThat(scanM1()).startsWith("ok via rsync:");
        HttpResponse<byte[]> r = nginx.get(url);
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().firstValue("Location")).hasValue("http://m1.example.org" + url);

        // past the 3 s grace a walk purges it: an unknown path, left to nginx, which has no such file
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500))
                .until(() -> cli("refresh").exit == 0 && files().idOf("pool/deleted.deb") < 0);
        assertThat(nginx.get(url).statusCode()).isEqualTo(404);
        assertThat(nginx.http2("GET", url).statusCode()).isEqualTo(404);
    }

    @Test
    void badRefreshPathsAreRefusedAsAWholeWithTheReason() throws Exception {
        long version = service.services().index().snapshot().version();

        Cli r = cli("refresh", "pool/kept.deb", "../etc/passwd", "/etc/passwd", "pool/missing.deb");

        assertThat(r.exit).isEqualTo(1);
        assertThat(r.err).contains("INVALID_ARGUMENT").contains("nothing refreshed")
                .contains("\"../etc/passwd\": '..' segment").contains("\"/etc/passwd\": outside the repository root")
                .contains("\"pool/missing.deb\": no such file or directory, and not in the index");
        assertThat(service.services().index().snapshot().version()).isEqualTo(version);
        assertThat(r.out).isEmpty();
    }

    @Test
    void aRootThatVanishedIsAClearErrorAndTheIndexIsKept() throws Exception {
        Path away = root.resolveSibling(root.getFileName() + ".away");
        long version = service.services().index().snapshot().version();
        Files.move(root, away);
        try {
            Cli r = cli("refresh", "pool/kept.deb");
            assertThat(r.exit).isEqualTo(1);
            assertThat(r.err).contains("FAILED_PRECONDITION").contains("repository.root " + root + ": no such directory");
            assertThat(service.services().index().snapshot().version()).isEqualTo(version);
        } finally {
            Files.move(away, root);
        }
        assertThat(nginx.get(PREFIX + "pool/kept.deb").statusCode()).isEqualTo(302);
    }

    record Cli(int exit, String out, String err) {}

    static Cli cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine c = CliAccess.commandLine();
        c.setOut(new PrintWriter(out, true));
        c.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--target";
        all[args.length + 1] = "127.0.0.1:" + service.grpcPort();
        int exit = c.execute(all);
        return new Cli(exit, out.toString(), err.toString());
    }

    static FileTable files() {
        return service.services().index().snapshot().files();
    }

    static long size(String rel) {
        int id = files().idOf(rel);
        return id < 0 ? -1 : files().size(id);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
