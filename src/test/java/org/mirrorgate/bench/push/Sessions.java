package org.mirrorgate.bench.push;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;

/**
 * apt-like client sessions, each run against every mode in turn (same client, same moment). Half
 * are {@code apt update && apt install}: InRelease, then the index it names (by hash, as apt does
 * when the archive says {@code Acquire-By-Hash: yes}; one in eight by its plain path, as apt with
 * {@code Acquire::By-Hash "no"} or older than 1.2), then three packages that index names. The other half install with metadata
 * fetched up to a cycle ago (the version current then): three packages it names. Every download is
 * checked against the SHA-256 the client's metadata gives.
 */
final class Sessions {

    static final int PACKAGES_PER_SESSION = 3;
    /** Each client thread's pause between sessions. */
    static final long PAUSE_MILLIS = 25;

    private final Archive archive;
    private final List<MirrorNode> mirrors;
    private final List<ModeRun> runs;
    private final AptClient http;
    private final Clock clock;
    private final IntSupplier hour;
    private final PrintStream log;

    Sessions(Archive archive, List<MirrorNode> mirrors, List<ModeRun> runs, AptClient http, Clock clock, IntSupplier hour,
            PrintStream log) {
        this.archive = archive;
        this.mirrors = mirrors;
        this.runs = runs;
        this.http = http;
        this.clock = clock;
        this.hour = hour;
        this.log = log;
    }

    void loop(Random random, AtomicBoolean running) {
        int turn = 0;
        while (running.get()) {
            int country = random.nextInt(PushSimulation.COUNTRIES.size());
            InetAddress client = PushSimulation.address(country, random.nextInt(PushSimulation.ADDRESSES_PER_COUNTRY));
            boolean fresh = random.nextBoolean();
            boolean byHash = random.nextInt(8) != 0;
            long metadataTime = System.currentTimeMillis() - (long) (random.nextDouble() * clock.cycleMillis());
            long seed = random.nextLong();
            turn++;
            try {
                Thread.sleep(PAUSE_MILLIS); // a steady load, not a stress test: the 2 cores also run rsync and scans
            } catch (InterruptedException e) {
                return;
            }
            for (int i = 0; i < runs.size() && running.get(); i++) {
                ModeRun r = runs.get((i + turn) % runs.size());
                try {
                    if (fresh) {
                        update(r, client, byHash, new Random(seed));
                    } else {
                        install(r, client, archive.at(metadataTime), new Random(seed));
                    }
                } catch (IOException e) {
                    r.tally.errors.incrementAndGet();
                    r.tally.example("error", e.toString());
                } catch (RuntimeException e) {
                    r.tally.errors.incrementAndGet();
                    r.tally.example("error", e.toString());
                    log.println("  client error: " + e);
                }
            }
        }
    }

    private void update(ModeRun r, InetAddress client, boolean byHash, Random random) throws IOException {
        AptClient.Fetch f = http.get(client, r.port(), "/" + Archive.IN_RELEASE);
        r.tally.served(f.server(), hour.getAsInt());
        if (f.status() != 200) {
            fail(r, f, Archive.IN_RELEASE, null, client);
            return;
        }
        Archive.Version v = archive.byInRelease(Archive.sha256(f.body()));
        String[] entry = Archive.indexEntry(f.body());
        if (v == null || entry == null) {
            r.tally.mismatched(hour.getAsInt());
            r.tally.example("mismatched", Archive.IN_RELEASE + " from " + f.server() + ": bytes never published");
            return;
        }
        String path = byHash ? Archive.SUITE + "/main/binary-amd64/by-hash/SHA256/" + entry[0] : Archive.INDEX;
        if (!fetch(r, client, path, entry[0], "InRelease serial " + v.serial())) {
            return;
        }
        install(r, client, v, random);
    }

    private void install(ModeRun r, InetAddress client, Archive.Version v, Random random) throws IOException {
        for (int i = 0; i < PACKAGES_PER_SESSION; i++) {
            Archive.Pkg p = v.packages().get(random.nextInt(v.packages().size()));
            fetch(r, client, p.path(), p.sha256(), "index serial " + v.serial());
        }
    }

    /** One checked download; true if the bytes are what the metadata says. */
    private boolean fetch(ModeRun r, InetAddress client, String path, String sha, String metadata) throws IOException {
        AptClient.Fetch f = http.get(client, r.port(), "/" + path);
        r.tally.served(f.server(), hour.getAsInt());
        if (f.status() == 200) {
            if (Archive.sha256(f.body()).equals(sha)) {
                return true;
            }
            r.tally.mismatched(hour.getAsInt());
            r.tally.example("mismatched", path + " from " + f.server() + " (" + metadata + ", client "
                    + client.getHostAddress() + ", hour " + hour.getAsInt() + ")");
            return false;
        }
        fail(r, f, path, sha, client);
        return false;
    }

    private void fail(ModeRun r, AptClient.Fetch f, String path, String sha, InetAddress client) {
        if (f.status() != 404) {
            r.tally.errors.incrementAndGet();
            r.tally.example("error", "HTTP " + f.status() + " on " + path + " from " + f.server());
            return;
        }
        List<String> holders = holders(path, sha);
        if (holders.isEmpty()) {
            r.tally.gone404.incrementAndGet();
        } else {
            r.tally.stale404(hour.getAsInt());
            r.tally.example("stale_404", path + " 404 from " + f.server() + " after " + f.redirects()
                    + " redirect(s), client " + client.getHostAddress() + ", hour " + hour.getAsInt() + "; held by " + holders);
        }
    }

    /** Which servers hold these exact bytes at {@code path} now (any bytes when {@code sha} is null). */
    private List<String> holders(String path, String sha) {
        List<String> out = new ArrayList<>();
        check(archive.root().resolve(path), sha, "origin", out);
        for (MirrorNode m : mirrors) {
            check(m.root.resolve(path), sha, m.spec.name(), out);
        }
        return out;
    }

    private static void check(Path file, String sha, String name, List<String> out) {
        try {
            if (Files.isRegularFile(file) && (sha == null || Archive.sha256(Files.readAllBytes(file)).equals(sha))) {
                out.add(name);
            }
        } catch (IOException e) {
            // deleted meanwhile: not held
        }
    }
}
