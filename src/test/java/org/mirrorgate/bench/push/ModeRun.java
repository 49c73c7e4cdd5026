package org.mirrorgate.bench.push;

import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.mirrorgate.api.v1.MirrorAdminGrpc;
import org.mirrorgate.api.v1.ScanMirrorRequest;
import org.mirrorgate.config.ConfigLoader;
import org.mirrorgate.server.MirrorgateServer;
import org.mirrorgate.testing.FreePorts;

/**
 * One policy mode: its own mirrorgate service (in-process, from a YAML config written here, with
 * the compressed intervals) and its own origin nginx (rendered by {@code nginx/render.sh}, the real
 * hook, reaching the service on its Unix socket), both over the one origin tree. Modes share the
 * archive, the mirrors and the pushes, so they are compared on the same events.
 */
final class ModeRun implements AutoCloseable {

    /**
     * A policy mode: {@code yaml} is added to the config (policies, resolve and scan keys);
     * {@code ownTrace} declares each mirror's own ftpsync trace as its trace-url (sync-time mode).
     */
    record Mode(String name, String scanYaml, String yaml, boolean ownTrace) {}

    final Mode mode;
    final Tally tally;
    private final Path dir;
    private MirrorgateServer service;
    private Process nginx;
    private int port;
    private ManagedChannel channel;

    ModeRun(Mode mode, Path work) {
        this.mode = mode;
        this.tally = new Tally(mode.name());
        this.dir = work.resolve("mode-" + mode.name());
    }

    int port() {
        return port;
    }

    void start(Path origin, List<MirrorNode> mirrors, int rsyncPort, Clock clock, Path geo) throws IOException {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Path socket = dir.resolve("grpc.sock");
        StringBuilder y = new StringBuilder();
        y.append("repository:\n  root: ").append(origin).append("\n  scan-interval: ").append(clock.ms(Duration.ofMinutes(5)))
                .append("\n  deleted-grace: ").append(clock.ms(Duration.ofDays(3)))
                .append("\nlisten:\n  grpc: 127.0.0.1:0\n  grpc-socket: ").append(socket).append("\n  metrics: \"\"\n")
                .append("store:\n  path: ").append(dir.resolve("state")).append("\n  fsync: false\n")
                .append("geoip:\n  city-database: ").append(geo).append("\n  reload-interval: 0s\n")
                // scan.interval cannot go below 1m: the simulation asks for the compressed scans itself
                .append("scan:\n  interval: 1m\n  jitter: 0s\n  connect-timeout: 2s\n  io-timeout: 10s\n  timeout: 30s\n")
                .append("  probe-interval: ").append(clock.ms(Duration.ofMinutes(1))).append("\n  probe-timeout: 2s\n")
                .append("  trace-interval: ").append(clock.ms(Duration.ofMinutes(5))).append('\n')
                .append(mode.scanYaml()).append("resolve:\n  warmup-calls: 200\n").append(mode.yaml());
        y.append("mirrors:\n");
        for (MirrorNode m : mirrors) {
            MirrorNode.Spec s = m.spec;
            y.append("  - name: ").append(s.name()).append("\n    http-url: ").append(m.httpUrl())
                    .append("\n    rsync-url: rsync://127.0.0.1:").append(rsyncPort).append('/').append(s.name()).append('/')
                    .append("\n    countries: [").append(s.country()).append("]\n    continent: ").append(s.continent())
                    .append("\n    latitude: ").append(s.latitude()).append("\n    longitude: ").append(s.longitude()).append('\n');
            if (mode.ownTrace()) {
                y.append("    trace-url: ").append(m.httpUrl()).append("project/trace/").append(s.name()).append('\n');
            }
        }
        Path yaml = dir.resolve("mirrorgate.yaml");
        Files.writeString(yaml, y.toString());
        service = MirrorgateServer.create(ConfigLoader.load(yaml));
        service.start();
        await().atMost(Duration.ofSeconds(90)).until(service::isServing);
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", service.grpcPort()).usePlaintext().build();
        startNginx(origin, socket);
    }

    private void startNginx(Path origin, Path socket) throws IOException {
        port = FreePorts.next();
        Path conf = dir.resolve("nginx");
        Path project = Path.of(System.getProperty("mirrorgate.projectDir", ".")).toAbsolutePath();
        ProcessBuilder render = new ProcessBuilder(project.resolve("nginx/render.sh").toString(), conf.toString())
                .redirectErrorStream(true);
        render.environment().putAll(Map.of("MG_ROOT", origin.toString(), "MG_URL_PREFIX", "/",
                "MG_REPLICAS", "unix:" + socket, "MG_HTTP_LISTEN", "127.0.0.1:" + port,
                // the shared 2-core machine starves processes for tens of ms at times: a wider
                // budget than the 150 ms default keeps fail-opens out of the figures (counted anyway)
                "MG_TIMEOUT_MS", "1000", "MG_WORKERS", "1", "MG_LOG_LEVEL", "warn"));
        Process r = render.start();
        String out = new String(r.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (r.waitFor() != 0) {
                throw new IllegalStateException("render.sh failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        nginx = new ProcessBuilder("nginx", "-p", conf.toString(), "-c", conf.resolve("nginx.conf").toString(),
                "-e", conf.resolve("error.log").toString(), "-g", "daemon off;")
                .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            if (!nginx.isAlive()) {
                throw new IllegalStateException("origin nginx exited: " + Files.readString(dir.resolve("nginx.out")));
            }
            return FreePorts.accepting(port);
        });
    }

    /** A full scan of one mirror now, through the admin API (ScanMirror), as an operator would ask. */
    void scan(String mirror) {
        var it = MirrorAdminGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS)
                .scanMirror(ScanMirrorRequest.newBuilder().setName(mirror).build());
        try {
            while (it.hasNext()) {
                it.next();
            }
        } catch (io.grpc.StatusRuntimeException e) {
            if (e.getStatus().getCode() != io.grpc.Status.Code.ABORTED) { // ABORTED: one is running (scheduled)
                throw e;
            }
        }
    }

    /** The service's verdicts on {@code path} for a client, one "mirror: accepted|reason" each. */
    String explain(String path, String clientIp) {
        var r = MirrorAdminGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .explain(org.mirrorgate.api.v1.ExplainRequest.newBuilder().setPath("/" + path).setClientIp(clientIp).build());
        return String.join(", ", r.getVerdictsList().stream()
                .map(v -> v.getMirror() + ": " + (v.getAccepted() ? "accepted" : v.getReason())).toList());
    }

    /** The mirror's trace events ("trace: synced at ...") and its trace_sync now, for the report. */
    String traceSummary(String mirror) {
        var stub = MirrorAdminGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
        var info = stub.getMirror(org.mirrorgate.api.v1.GetMirrorRequest.newBuilder().setName(mirror).build());
        long traced = stub.getMirrorEvents(org.mirrorgate.api.v1.GetMirrorEventsRequest.newBuilder().setName(mirror)
                .setLimit(500).build()).getEventsList().stream().filter(e -> e.getKind().equals("trace")).count();
        return mirror + " trace_sync=" + java.time.Instant.ofEpochSecond(info.getTraceSync().getSeconds()) + " (" + traced
                + " trace events)";
    }

    /** The hook's status page: its decisions and fail-opens. */
    String hookStatus() {
        try {
            AptClient.Fetch f = new AptClient(Map.of()).get(java.net.InetAddress.getLoopbackAddress(), port,
                    "/mirrorgate-status");
            return new String(f.body(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "status unavailable: " + e;
        }
    }

    /** nginx error-log lines at [error] or worse (a 404's "No such file" lines aside). */
    List<String> errorLines() {
        try {
            return Files.readAllLines(dir.resolve("nginx/error.log")).stream()
                    .filter(l -> l.matches(".*\\[(error|crit|alert|emerg)\\].*"))
                    .filter(l -> !l.contains("No such file or directory")).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.shutdownNow();
        }
        if (nginx != null) {
            nginx.destroy();
            try {
                nginx.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            nginx.destroyForcibly();
        }
        if (service != null) {
            service.stop();
        }
    }
}
