package org.mirrorgate.bench.push;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.mirrorgate.testing.NginxServer;

/**
 * One mirror: a directory served by its own nginx (on its own loopback port) and listed by the
 * shared rsync daemon as module {@code name}, synced from the origin's rsync module with real rsync
 * in ftpsync's order. Stage 1 brings everything but the index files (new pool files and by-hash
 * files, nothing deleted); stage 2 brings the rest and deletes what the origin no longer has; stage
 * 3 copies the archive's trace file and writes the mirror's own ({@code project/trace/<name>},
 * ftpsync's {@code Date:} line), so a mirror's trace says the sync is complete.
 *
 * <p>Stage 1 lasts at least {@link #STAGE_ONE_TIME} (compressed). A slow mirror syncs under
 * {@code --bwlimit}; a broken one never gets past stage 1 (its
 * stage 2 dies every time: it keeps its old metadata, never deletes, never updates its trace).
 */
final class MirrorNode implements AutoCloseable {

    private static final DateTimeFormatter RFC1123 = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    /** What is declared about a mirror; {@code offset} is when it syncs, as a share of the cycle. */
    record Spec(String name, String country, String continent, double latitude, double longitude, double offset,
            int bwlimitKiB, boolean broken) {}

    final Spec spec;
    final Path root;
    private final Path logDir;
    private NginxServer nginx;

    MirrorNode(Spec spec, Path work) {
        this.spec = spec;
        this.root = work.resolve("mirrors/" + spec.name());
        this.logDir = work.resolve("nginx/" + spec.name());
    }

    MirrorNode start() throws IOException {
        Files.createDirectories(root);
        nginx = NginxServer.serving(logDir, root).start();
        return this;
    }

    String httpUrl() {
        return nginx.httpUrl();
    }

    int port() {
        return java.net.URI.create(nginx.httpUrl()).getPort();
    }

    /** A full, correct sync (the state before the simulation starts): every stage, not limited. */
    void initialSync(String origin) {
        stage(origin, 0, List.of("--delete"));
        trace(origin);
    }

    /**
     * How long stage 1 takes at least, on the real clock: a real push brings gigabytes of new pool
     * files (minutes of copying before the deletions of stage 2), the simulation's a few KiB.
     * Scaled by the compressed clock like every interval of the service.
     */
    static final java.time.Duration STAGE_ONE_TIME = java.time.Duration.ofMinutes(10);

    /** One ftpsync run; stage 1 lasts at least {@code stageOneMillis}. Returns a line for the log. */
    String sync(String origin, long stageOneMillis) {
        long t0 = System.nanoTime();
        // stage 1: no index files, no deletions
        stage(origin, spec.bwlimitKiB(), List.of("--exclude=Packages*", "--exclude=Release*",
                "--exclude=InRelease", "--exclude=/project/trace/"));
        long left = stageOneMillis - (System.nanoTime() - t0) / 1_000_000;
        if (left > 0) {
            try {
                Thread.sleep(left); // the simulated copy time, not a wait for a condition
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return spec.name() + ": interrupted in stage 1";
            }
        }
        if (spec.broken()) {
            return spec.name() + ": stage 1 done, stage 2 failed (broken mirror)";
        }
        // stage 2: the rest, deleting what the origin dropped
        stage(origin, spec.bwlimitKiB(), List.of("--delete", "--delete-after", "--exclude=/project/trace/"));
        trace(origin);
        return String.format("%s: synced in %.1f s", spec.name(), (System.nanoTime() - t0) / 1e9);
    }

    private void trace(String origin) {
        stage(origin + "project/trace/", 0, List.of());
        try {
            Path own = root.resolve("project/trace/" + spec.name());
            Path tmp = own.resolveSibling("." + spec.name() + ".tmp");
            String now = RFC1123.format(Instant.now());
            Files.writeString(tmp, now + "\nDate: " + now + "\nCreator: ftpsync (simulated)\nUpstream-mirror: origin\n",
                    StandardCharsets.UTF_8);
            Files.move(tmp, own, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void stage(String source, int bwlimit, List<String> options) {
        List<String> cmd = new ArrayList<>(List.of("rsync", "-rlt", "--no-motd", "--timeout=60"));
        if (bwlimit > 0) {
            cmd.add("--bwlimit=" + bwlimit);
        }
        cmd.addAll(options);
        cmd.add(source);
        cmd.add(source.endsWith("project/trace/") ? root.resolve("project/trace") + "/" : root + "/");
        try {
            Files.createDirectories(root.resolve("project/trace"));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException(spec.name() + ": " + String.join(" ", cmd) + " failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (nginx != null) {
            nginx.close();
        }
    }
}
