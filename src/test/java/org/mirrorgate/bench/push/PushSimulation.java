package org.mirrorgate.bench.push;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.mirrorgate.geo.CountryDatabases;
import org.mirrorgate.testing.RsyncDaemon;

/**
 * The push-day simulation (issue 12 point 4): one origin archive, mirrors syncing from it with real
 * rsync in ftpsync's order, staggered over the cycle, pushes on a compressed clock, and apt-like
 * clients from several countries run against every policy mode at once (each mode its own service
 * and origin nginx over the same tree and mirrors). See docs/benchmarks.md, "Push day".
 */
final class PushSimulation implements AutoCloseable {

    /** How big and how long. */
    record Settings(int cycles, long cycleMillis, List<MirrorNode.Spec> mirrors, int packages, int changesPerPush,
            int clientThreads, long seed) {}

    /** Client countries: where their addresses (127.0.N.x) are placed by the test GeoIP database. */
    static final Map<String, CountryDatabases.Place> COUNTRIES = new LinkedHashMap<>();

    static {
        COUNTRIES.put("DE", new CountryDatabases.Place("DE", "EU", 52.52, 13.40));
        COUNTRIES.put("FR", new CountryDatabases.Place("FR", "EU", 48.86, 2.35));
        COUNTRIES.put("GB", new CountryDatabases.Place("GB", "EU", 51.51, -0.13));
        COUNTRIES.put("US", new CountryDatabases.Place("US", "NA", 38.90, -77.04));
        COUNTRIES.put("BR", new CountryDatabases.Place("BR", "SA", -23.55, -46.63));
        COUNTRIES.put("JP", new CountryDatabases.Place("JP", "AS", 35.69, 139.69));
    }

    static final int ADDRESSES_PER_COUNTRY = 16;

    private final Settings settings;
    private final List<ModeRun.Mode> modes;
    private final PrintStream log;
    private final Path work;
    private final Clock clock;
    private final List<MirrorNode> mirrors = new ArrayList<>();
    private final List<ModeRun> runs = new ArrayList<>();
    private RsyncDaemon rsync;
    private Archive archive;
    private Sessions sessions;
    private long t0;

    PushSimulation(Settings settings, List<ModeRun.Mode> modes, PrintStream log) throws IOException {
        this.settings = settings;
        this.modes = modes;
        this.log = log;
        this.clock = new Clock(settings.cycleMillis());
        this.work = Files.createTempDirectory("mirrorgate-push-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    }

    /** Runs the whole simulation; returns one tally per mode, in the modes' order. */
    List<Tally> run() throws Exception {
        setUp();
        ScheduledExecutorService timer = Executors.newScheduledThreadPool(3);
        ExecutorService syncs = Executors.newCachedThreadPool();
        ExecutorService clients = Executors.newFixedThreadPool(settings.clientThreads());
        AtomicBoolean running = new AtomicBoolean(true);
        try {
            t0 = System.currentTimeMillis();
            long cycle = settings.cycleMillis();
            for (int c = 0; c < settings.cycles(); c++) {
                int n = c;
                timer.schedule(() -> push(n, syncs), c * cycle, TimeUnit.MILLISECONDS);
            }
            // the compressed hourly scans, each mirror at its own point of the hour, each mode alike
            long hour = clock.scaled(java.time.Duration.ofHours(1));
            for (int i = 0; i < mirrors.size(); i++) {
                String name = mirrors.get(i).spec.name();
                // half a step off the push, so no scan coincides with it by construction
                timer.scheduleAtFixedRate(() -> scanAll(name), hour * (2L * i + 1) / (2L * mirrors.size()), hour,
                        TimeUnit.MILLISECONDS);
            }
            // what the services say about a new and a deleted file, each hour at the half hour
            timer.scheduleAtFixedRate(this::explain, hour / 2, hour, TimeUnit.MILLISECONDS);
            for (int i = 0; i < settings.clientThreads(); i++) {
                long seed = settings.seed() * 31 + i;
                clients.submit(() -> sessions.loop(new Random(seed), running));
            }
            long end = t0 + settings.cycles() * cycle;
            while (System.currentTimeMillis() < end) {
                Thread.sleep(Math.min(cycle / 6, Math.max(1, end - System.currentTimeMillis())));
                log.printf("  t=%4.1f h: %s%n", (System.currentTimeMillis() - t0) / (double) clock.scaled(java.time.Duration.ofHours(1)),
                        String.join(", ", runs.stream().map(r -> r.tally.mode + " " + r.tally.requests.get() + "/"
                                + r.tally.mismatched.get() + "/" + r.tally.stale404.get()).toList()));
            }
        } finally {
            running.set(false);
            clients.shutdown();
            clients.awaitTermination(60, TimeUnit.SECONDS);
            timer.shutdownNow();
            syncs.shutdownNow();
            syncs.awaitTermination(60, TimeUnit.SECONDS);
        }
        for (ModeRun r : runs) {
            List<String> errors = r.errorLines();
            if (!errors.isEmpty()) {
                log.println("  " + r.mode.name() + ": nginx error log: " + errors.size() + " lines, first: " + errors.get(0));
            }
            String failopen = r.hookStatus().lines().filter(l -> l.startsWith("mirrorgate_nginx_failopen_total"))
                    .reduce((a, b) -> a + "; " + b).orElse("no fail-opens");
            log.println("  " + r.mode.name() + ": " + failopen);
            if (r.mode.name().startsWith("trace")) {
                log.println("    " + String.join("; ", mirrors.stream().map(m -> r.traceSummary(m.spec.name())).toList()));
            }
        }
        return runs.stream().map(r -> r.tally).toList();
    }

    private void setUp() throws Exception {
        long s0 = System.nanoTime();
        Path origin = Files.createDirectories(work.resolve("origin"));
        archive = new Archive(origin, settings.seed(), settings.packages(), settings.changesPerPush());
        archive.init();
        RsyncDaemon daemon = RsyncDaemon.in(work.resolve("rsyncd")).module("debian", origin);
        for (MirrorNode.Spec s : settings.mirrors()) {
            MirrorNode m = new MirrorNode(s, work);
            mirrors.add(m);
            daemon.module(s.name(), m.root);
        }
        rsync = daemon.start();
        for (MirrorNode m : mirrors) {
            m.start().initialSync(rsync.url("debian"));
        }
        Map<String, CountryDatabases.Place> networks = new LinkedHashMap<>();
        int i = 1;
        for (CountryDatabases.Place p : COUNTRIES.values()) {
            networks.put("127.0." + i++ + ".0/24", p);
        }
        Path geo = CountryDatabases.write(work.resolve("city.mmdb"), networks);
        for (ModeRun.Mode mode : modes) {
            ModeRun r = new ModeRun(mode, work);
            runs.add(r);
            r.start(origin, mirrors, rsync.port(), clock, geo);
        }
        for (MirrorNode m : mirrors) {
            scanAll(m.spec.name());
        }
        Map<Integer, String> servers = new HashMap<>();
        runs.forEach(r -> servers.put(r.port(), "origin"));
        mirrors.forEach(m -> servers.put(m.port(), m.spec.name()));
        sessions = new Sessions(archive, mirrors, runs, new AptClient(servers), clock, this::hourOfCycle, log);
        log.printf("  set up in %.1f s: %d mirrors, %d modes, cycle %.0f s (1 h = %.1f s)%n", (System.nanoTime() - s0) / 1e9,
                mirrors.size(), runs.size(), settings.cycleMillis() / 1e3, clock.scaled(java.time.Duration.ofHours(1)) / 1e3);
    }

    /** The hour of the push cycle (0 .. 5) it is now. */
    int hourOfCycle() {
        long into = Math.floorMod(System.currentTimeMillis() - t0, settings.cycleMillis());
        return (int) Math.min(Tally.HOURS - 1, into * Tally.HOURS / settings.cycleMillis());
    }

    private void push(int n, ExecutorService syncs) {
        try {
            Archive.Version v = archive.push();
            log.printf("  push %d at t=%.1f h: serial %d, %d packages%n", n + 1,
                    (System.currentTimeMillis() - t0) / (double) clock.scaled(java.time.Duration.ofHours(1)), v.serial(),
                    v.packages().size());
            for (MirrorNode m : mirrors) {
                long delay = Math.round(m.spec.offset() * settings.cycleMillis());
                syncs.submit(() -> {
                    Thread.sleep(delay);
                    log.println("    " + m.sync(rsync.url("debian"), clock.scaled(MirrorNode.STAGE_ONE_TIME)));
                    return null;
                });
            }
        } catch (RuntimeException e) {
            log.println("  push failed: " + e);
        }
    }

    /** Logs each mode's verdicts, for a client in the first country, on the InRelease and on a file the last push deleted. */
    private void explain() {
        Archive.Version now = archive.current();
        String deleted = archive.deletedByLastPush();
        String client = address(0, 0).getHostAddress();
        for (ModeRun r : runs) {
            try {
                log.printf("    explain t=%.1f h %s: InRelease serial %d [%s]; deleted %s [%s]%n",
                        (System.currentTimeMillis() - t0) / (double) clock.scaled(java.time.Duration.ofHours(1)), r.mode.name(),
                        now.serial(), r.explain(Archive.IN_RELEASE, client), deleted,
                        deleted == null ? "-" : r.explain(deleted, client));
            } catch (RuntimeException e) {
                log.println("    explain failed for " + r.mode.name() + ": " + e);
            }
        }
    }

    private void scanAll(String mirror) {
        for (ModeRun r : runs) {
            try {
                r.scan(mirror);
            } catch (RuntimeException e) {
                log.println("  scan of " + mirror + " for " + r.mode.name() + " failed: " + e);
            }
        }
    }

    @Override
    public void close() {
        runs.forEach(ModeRun::close);
        mirrors.forEach(MirrorNode::close);
        if (rsync != null) {
            rsync.close();
        }
        if (!Boolean.getBoolean("mirrorgate.keepPush")) {
            delete(work);
        }
    }

    private static void delete(Path top) {
        try (var paths = Files.walk(top)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // leftovers in /tmp are harmless
        }
    }

    /** The client address {@code n} of country {@code c} (its index in {@link #COUNTRIES}). */
    static InetAddress address(int c, int n) {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, (byte) (c + 1), (byte) (n + 1)});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
