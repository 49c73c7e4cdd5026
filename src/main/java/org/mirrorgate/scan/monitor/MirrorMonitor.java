package org.mirrorgate.scan.monitor;

import static java.util.Objects.requireNonNull;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.mirrorgate.index.Index;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.lease.InProcessScanLease;
import org.mirrorgate.lease.ScanLease;
import org.mirrorgate.mirror.EventLog;
import org.mirrorgate.mirror.MirrorSpec;
import org.mirrorgate.scan.Durations;
import org.mirrorgate.scan.FileHead;
import org.mirrorgate.scan.HttpFetcher;
import org.mirrorgate.scan.MirrorLister;
import org.mirrorgate.scan.PerMirrorScanSettings;
import org.mirrorgate.scan.ScanSettings;
import org.mirrorgate.scan.ftp.FtpLister;
import org.mirrorgate.scan.health.HealthProber;
import org.mirrorgate.scan.http.HttpIndexLister;
import org.mirrorgate.scan.rsync.RsyncLister;
import org.mirrorgate.scan.trace.DeletionProbe;
import org.mirrorgate.scan.trace.TracePoller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mirror truth: keeps every mirror's file list, sync time and health current. The one public entry
 * point of the scan package for the service: {@link #start()} schedules scans (rsync, FTP, HTTP
 * index), trace polls and health probes per mirror, with jitter and a concurrency limit; {@link
 * #scanNow} runs a scan on demand for the admin API's ScanMirror.
 *
 * <p>Everything it learns goes into the {@link Index} (bitmaps, {@code MirrorState}) and the
 * mirror's {@link EventLog}; a failed scan never changes what is published. A {@link ScanLease}
 * makes sure one replica at a time scans a mirror.
 */
public final class MirrorMonitor {

    private static final Logger log = LoggerFactory.getLogger(MirrorMonitor.class);
    private static final Duration TICK = Duration.ofSeconds(1);

    private final Index index;
    private final EventLog events;
    private final ScanSettings settings;
    private final LongSupplier clock;
    private final ScanLease lease;
    private final MirrorScanner scanner;
    private final HealthProber prober;
    private final TracePoller tracer;
    private final DeletionProbe deletions;
    private final FamilyLearner families;
    private final MonitorSchedule schedule;
    private final Duration tick;
    private final AtomicInteger runningScans = new AtomicInteger();
    private final ScanMetrics metrics = new ScanMetrics();
    /** Replaced whole by a config reload ({@link #retune}); each scan reads it once. */
    private volatile Map<String, PerMirrorScanSettings> perMirror;
    private final Predicate<String> owns;
    /** Mirrors whose last probe found no file known to be on them: probed as soon as a scan succeeds. */
    private final Set<String> unprobed = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The newest local deletion the probes were last asked early for (ticks run on one thread). */
    private long deletionProbedFor;
    private long deletionRoundAt = Long.MIN_VALUE;

    @GuardedBy("this")
    private boolean listening;
    @GuardedBy("this")
    private ScheduledExecutorService ticker;
    @GuardedBy("this")
    private ExecutorService scanPool;
    @GuardedBy("this")
    private ExecutorService probePool;

    /** A monitor for one replica (an in-process scan lease). */
    public MirrorMonitor(Index index, EventLog events, ScanSettings settings,
            Map<String, PerMirrorScanSettings> perMirror, LongSupplier clockMillis) {
        this(index, events, settings, perMirror, clockMillis, new InProcessScanLease());
    }

    /**
     * @param perMirror overrides by mirror name; a mirror without an entry uses the defaults
     * @param clockMillis epoch millis: scan, trace and health times and the schedule
     * @param lease who may scan a mirror now (the store's lease when several replicas run)
     */
    public MirrorMonitor(Index index, EventLog events, ScanSettings settings,
            Map<String, PerMirrorScanSettings> perMirror, LongSupplier clockMillis, ScanLease lease) {
        this(index, events, settings, perMirror, clockMillis, lease, m -> true);
    }

    /**
     * A monitor for one of several replicas sharing a store.
     *
     * @param owns whether this replica probes a mirror and polls its trace file now (the store's
     *     {@code Replicas::owns}): the verdicts reach the other replicas through the store, as
     *     part of the mirror's state, so one replica's probes serve them all. Asked at every due
     *     probe, so a mirror moves to another replica when its owner dies. Manual probes
     *     ({@link #probeNow}) ignore it.
     */
    public MirrorMonitor(Index index, EventLog events, ScanSettings settings,
            Map<String, PerMirrorScanSettings> perMirror, LongSupplier clockMillis, ScanLease lease,
            Predicate<String> owns) {
        this(index, events, settings, perMirror, clockMillis, lease, owns, null, TICK);
    }

    MirrorMonitor(Index index, EventLog events, ScanSettings settings, Map<String, PerMirrorScanSettings> perMirror,
            LongSupplier clockMillis, ScanLease lease, Map<String, MirrorLister> listers, Duration tick) {
        this(index, events, settings, perMirror, clockMillis, lease, m -> true, listers, tick);
    }

    MirrorMonitor(Index index, EventLog events, ScanSettings settings, Map<String, PerMirrorScanSettings> perMirror,
            LongSupplier clockMillis, ScanLease lease, Predicate<String> owns, Map<String, MirrorLister> listers,
            Duration tick) {
        this(index, events, settings, perMirror, clockMillis, lease, owns, listers, tick, HostResolver.SYSTEM);
    }

    /** @param hosts resolves the mirrors' redirect hosts, for their address families ({@link FamilyLearner}) */
    MirrorMonitor(Index index, EventLog events, ScanSettings settings, Map<String, PerMirrorScanSettings> perMirror,
            LongSupplier clockMillis, ScanLease lease, Predicate<String> owns, Map<String, MirrorLister> listers,
            Duration tick, HostResolver hosts) {
        this.owns = requireNonNull(owns, "owns");
        this.index = requireNonNull(index, "index");
        this.events = requireNonNull(events, "events");
        this.settings = requireNonNull(settings, "settings");
        this.perMirror = Map.copyOf(requireNonNull(perMirror, "perMirror"));
        this.clock = requireNonNull(clockMillis, "clockMillis");
        this.lease = requireNonNull(lease, "lease");
        this.tick = requireNonNull(tick, "tick");
        HttpFetcher http = new HttpFetcher(settings);
        this.scanner = new MirrorScanner(index, events, settings, clockMillis, listers != null ? listers
                : Map.of("rsync", new RsyncLister(settings), "ftp", new FtpLister(settings),
                        "http", new HttpIndexLister(settings, http)));
        this.schedule = new MonitorSchedule(settings);
        this.prober = new HealthProber(index, events, settings, http, clockMillis,
                m -> schedule.scanSoon(m, clock.getAsLong()), metrics::probed);
        this.tracer = new TracePoller(index, events, settings, http, clockMillis);
        this.deletions = new DeletionProbe(index, events,
                new FileHead(http, (int) settings.probe().timeout().toMillis()), clockMillis);
        this.families = new FamilyLearner(index, events, hosts, settings.probe().timeout(), FamilyCheck.TCP);
    }

    /**
     * Starts scheduling (unless {@code scan.enabled} is false). Mirrors whose event log is empty
     * get an "added" event, and so do mirrors added to the index later.
     */
    public synchronized void start() {
        if (ticker != null) {
            return;
        }
        IndexSnapshot snap = index.snapshot();
        for (MirrorSpec spec : snap.specs()) {
            if (events.recent(spec.name(), 1).isEmpty()) {
                events.record(spec.name(), "added", describe(spec));
            }
        }
        if (!listening) {
            listening = true;
            index.addListener((before, after) -> {
                for (MirrorSpec spec : after.specs()) {
                    if (before.positionOf(spec.name()) < 0) {
                        events.record(spec.name(), "added", describe(spec));
                    }
                }
            });
        }
        ticker = Executors.newSingleThreadScheduledExecutor(threads("mirror-monitor"));
        scanPool = Executors.newFixedThreadPool(settings.concurrency(), threads("mirror-scan"));
        probePool = Executors.newFixedThreadPool(settings.probe().concurrency(), threads("mirror-probe"));
        if (settings.enabled()) {
            ticker.scheduleWithFixedDelay(this::tickSafely, 0, tick.toMillis(), TimeUnit.MILLISECONDS);
        }
        log.info("mirror monitor started: {} mirrors, scans every {} (jitter {}, {} at once), probes every {}, trace {}",
                snap.mirrorCount(), Durations.human(settings.interval()), Durations.human(settings.jitter()),
                settings.concurrency(), Durations.human(settings.probe().interval()),
                settings.trace().path().isEmpty() ? "off" : settings.trace().path() + " every "
                        + Durations.human(settings.trace().interval()));
    }

    /** Stops scheduling, cancels running scans (nothing of them is published), waits up to 10 s. */
    public synchronized void stop() {
        if (ticker == null) {
            return;
        }
        ticker.shutdownNow();
        scanner.cancelAll();
        scanPool.shutdownNow();
        probePool.shutdownNow();
        try {
            scanPool.awaitTermination(10, TimeUnit.SECONDS);
            probePool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ticker = null;
    }

    /**
     * Registers the scan metrics (scans and probes by result, last scan duration and rejects, trace
     * sync and last scan times, timezone offsets) on {@code registry}. Call once, before {@link
     * #start()}.
     */
    public void registerMetrics(io.prometheus.metrics.model.registry.PrometheusRegistry registry) {
        metrics.register(requireNonNull(registry, "registry"), index);
    }

    /**
     * Scans {@code mirror} now, in the calling thread, and publishes the listing if it is good.
     *
     * @param progress gets running updates (at most one a second) and a last one with {@code done};
     *     calls never overlap, but running updates of an HTTP scan come from its worker threads
     * @return the outcome, also recorded in the mirror's event log
     * @throws ScanRejectedException when the mirror is unknown, cannot be scanned, or is being
     *     scanned (here or by another replica)
     */
    public ScanOutcome scanNow(String mirror, Consumer<ScanProgressUpdate> progress) {
        requireNonNull(progress, "progress");
        IndexSnapshot snap = index.snapshot();
        int pos = snap.positionOf(mirror);
        if (pos < 0) {
            throw new ScanRejectedException(ScanRejectedException.Kind.UNKNOWN_MIRROR, "mirror: " + mirror
                    + " (expected: one of " + snap.specs().stream().map(MirrorSpec::name).toList() + ")");
        }
        MirrorSpec spec = snap.spec(pos);
        PerMirrorScanSettings pm = perMirror(mirror);
        if (scanner.sources(spec, pm).isEmpty()) {
            throw new ScanRejectedException(ScanRejectedException.Kind.NOT_SCANNABLE, spec.trusted()
                    ? "mirror " + mirror + " is trusted: it is never scanned"
                    : "mirror " + mirror + " has no URL to scan with scan-via " + pm.scanVia().name().toLowerCase()
                            + " (rsync-url, ftp-url, or an http(s) index)");
        }
        if (!lease.acquire(mirror)) {
            throw new ScanRejectedException(ScanRejectedException.Kind.ALREADY_RUNNING, "a scan of " + mirror
                    + " is already running");
        }
        boolean marked = schedule.start(MonitorSchedule.Task.SCAN, mirror);
        try {
            return runScan(mirror, pm, progress);
        } finally {
            if (marked) {
                schedule.ended(MonitorSchedule.Task.SCAN, mirror, clock.getAsLong(), interval(pm));
            }
            lease.release(mirror);
        }
    }

    /**
     * Probes {@code mirror} now (both protocols), as the scheduler would: its hosts' address
     * families first (DNS, {@link FamilyLearner}; not when declared), then a file it is known to
     * hold; nothing while no such file is known (then its first good scan is followed by a probe).
     * Then the deletion probes ({@link DeletionProbe}), when its last scan listed deleted files.
     */
    public void probeNow(String mirror) {
        int pos = index.snapshot().positionOf(mirror);
        if (pos >= 0) {
            families.learn(mirror);
            PerMirrorScanSettings pm = perMirror(mirror);
            if (prober.probe(mirror, pm, !scanner.sources(index.snapshot().spec(pos), pm).isEmpty())) {
                unprobed.remove(mirror);
            } else {
                unprobed.add(mirror);
            }
            deletions.probe(mirror);
        }
    }

    /** Polls {@code mirror}'s trace file now. */
    public void pollTraceNow(String mirror) {
        tracer.poll(mirror, perMirror(mirror));
    }

    /** One round of the scheduler: starts every due task that has a free slot. */
    void tick() {
        long now = clock.getAsLong();
        IndexSnapshot snap = index.snapshot();
        if (!snap.ready()) {
            // A listing compared with an empty local table would match nothing: every mirror would
            // look empty and all traffic go to the fallback until its next scan (jenkins-infra
            // update-center2 #820). Scans and probes wait for the first local walk.
            return;
        }
        schedule.sync(snap, now);
        probeSoonAfterDeletions(snap, now);
        ExecutorService scans;
        ExecutorService probes;
        synchronized (this) {
            scans = scanPool;
            probes = probePool;
        }
        if (scans == null) {
            return;
        }
        for (String m : schedule.due(MonitorSchedule.Task.SCAN, now)) {
            if (runningScans.get() >= settings.concurrency()) {
                break;
            }
            PerMirrorScanSettings pm = perMirror(m);
            int pos = snap.positionOf(m);
            if (pos < 0 || scanner.sources(snap.spec(pos), pm).isEmpty()) {
                schedule.ended(MonitorSchedule.Task.SCAN, m, now, interval(pm));
                continue;
            }
            if (!lease.acquire(m)) {
                schedule.ended(MonitorSchedule.Task.SCAN, m, now, interval(pm)); // another replica scans it
                continue;
            }
            if (!schedule.start(MonitorSchedule.Task.SCAN, m)) {
                lease.release(m);
                continue;
            }
            runningScans.incrementAndGet();
            scans.execute(() -> {
                try {
                    runScan(m, pm, u -> { });
                } finally {
                    runningScans.decrementAndGet();
                    schedule.ended(MonitorSchedule.Task.SCAN, m, clock.getAsLong(), interval(pm));
                    lease.release(m);
                }
            });
        }
        for (String m : schedule.due(MonitorSchedule.Task.PROBE, now)) {
            if (!owns.test(m)) {
                schedule.ended(MonitorSchedule.Task.PROBE, m, now, settings.probe().interval().toMillis());
                continue; // another replica probes it; asked again an interval later (takeover)
            }
            int pos = snap.positionOf(m);
            if (pos >= 0 && (snap.spec(pos).httpUrl() != null || snap.spec(pos).httpsUrl() != null)
                    && schedule.start(MonitorSchedule.Task.PROBE, m)) {
                probes.execute(guarded(MonitorSchedule.Task.PROBE, m, settings.probe().interval(), () -> probeNow(m)));
            }
        }
        for (String m : schedule.due(MonitorSchedule.Task.TRACE, now)) {
            if (!owns.test(m)) {
                schedule.ended(MonitorSchedule.Task.TRACE, m, now, settings.trace().interval().toMillis());
                continue;
            }
            int pos = snap.positionOf(m);
            if (pos >= 0 && !tracer.urls(snap.spec(pos), perMirror(m)).isEmpty()
                    && schedule.start(MonitorSchedule.Task.TRACE, m)) {
                probes.execute(guarded(MonitorSchedule.Task.TRACE, m, settings.trace().interval(), () -> pollTraceNow(m)));
            }
        }
    }

    /**
     * Files deleted locally are redirected only to mirrors with evidence they still hold them (a
     * scan or deletion probe after the deletion): until the next regular probe, a lagging client's
     * download would go to a mirror that may have deleted it, or be a 404. So new deletions make
     * every mirror's probe due now, at most one such round a second (a push's deletions can land
     * over several publications).
     */
    private void probeSoonAfterDeletions(IndexSnapshot snap, long now) {
        long newest = snap.files().lastDeletionMillis();
        if (newest <= deletionProbedFor) {
            return;
        }
        deletionProbedFor = newest;
        long at = deletionRoundAt == Long.MIN_VALUE ? now : Math.max(now, deletionRoundAt + 1000);
        deletionRoundAt = at;
        for (int i = 0; i < snap.mirrorCount(); i++) {
            schedule.soon(MonitorSchedule.Task.PROBE, snap.spec(i).name(), at);
        }
    }

    private ScanOutcome runScan(String mirror, PerMirrorScanSettings pm, Consumer<ScanProgressUpdate> progress) {
        ScanOutcome o = scanner.scan(mirror, pm, progress);
        metrics.scanned(o);
        if (o.success()) {
            prober.scanSucceeded(mirror);
            if (unprobed.contains(mirror)) {
                schedule.soon(MonitorSchedule.Task.PROBE, mirror, clock.getAsLong());
            }
        }
        return o;
    }

    private Runnable guarded(MonitorSchedule.Task task, String mirror, Duration interval, Runnable work) {
        return () -> {
            try {
                work.run();
            } catch (RuntimeException e) {
                log.error("{} of {} failed", task, mirror, e);
                events.record(mirror, "error", task.name().toLowerCase() + " failed: " + e);
            } finally {
                schedule.ended(task, mirror, clock.getAsLong(), interval.toMillis());
            }
        };
    }

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            log.error("mirror monitor tick failed", e);
        }
    }

    /**
     * The per-mirror scan overrides of a reloaded config: the next scan of each mirror uses them (a
     * scan under way ends with the ones it started with), and a changed interval is taken at the
     * mirror's next scheduling.
     */
    public void retune(Map<String, PerMirrorScanSettings> overrides) {
        perMirror = Map.copyOf(requireNonNull(overrides, "overrides"));
    }

    private PerMirrorScanSettings perMirror(String mirror) {
        return perMirror.getOrDefault(mirror, PerMirrorScanSettings.DEFAULTS);
    }

    private long interval(PerMirrorScanSettings pm) {
        return (pm.scanInterval() != null ? pm.scanInterval() : settings.interval()).toMillis();
    }

    private static String describe(MirrorSpec spec) {
        Set<String> urls = new HashSet<>();
        for (Object u : new Object[] {spec.httpUrl(), spec.httpsUrl(), spec.rsyncUrl(), spec.ftpUrl()}) {
            if (u != null) {
                urls.add(u.toString().replaceFirst("//[^/@]*@", "//"));
            }
        }
        return "mirror added: " + String.join(" ", List.copyOf(new java.util.TreeSet<>(urls)))
                + (spec.trusted() ? " (trusted: never scanned)" : "") + (spec.enabled() ? "" : " (disabled)");
    }

    private static ThreadFactory threads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
