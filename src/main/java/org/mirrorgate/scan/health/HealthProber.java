package org.mirrorgate.scan.health;

import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;
import org.mirrorgate.index.Availability;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.Index;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.mirror.EventLog;
import org.mirrorgate.mirror.MirrorSpec;
import org.mirrorgate.mirror.MirrorState;
import org.mirrorgate.mirror.ProtocolHealth;
import org.mirrorgate.scan.Durations;
import org.mirrorgate.scan.HttpFetcher;
import org.mirrorgate.scan.PerMirrorScanSettings;
import org.mirrorgate.scan.ScanSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Health of each mirror, per protocol: http and https are probed and judged separately (a mirror
 * with an expired certificate still serves http clients). Each probe is a HEAD of a random file the
 * mirror held up to date at its last scan. A verdict change is published to the index at once, so
 * a down protocol stops being chosen with the next request, and recorded in the event log with its
 * reason.
 *
 * <p>A mirror that was down longer than {@code rescan-after-down}, and not scanned successfully for
 * that long either, is not trusted on its first good probes: its files may have changed meanwhile
 * (Mirrorbits #20). It stays down, with the reason "recovered, rescanning before use", until a scan
 * of it succeeds.
 */
public final class HealthProber {

    private static final Logger log = LoggerFactory.getLogger(HealthProber.class);
    static final String RESCANNING = "recovered, rescanning before use";

    private final Index index;
    private final EventLog events;
    private final ScanSettings settings;
    private final HeadProbe probe;
    private final LongSupplier clock;
    private final Consumer<String> rescan;
    private final Map<String, Hysteresis> counters = new ConcurrentHashMap<>();
    private final Map<String, Long> warnedExpiry = new ConcurrentHashMap<>();
    private final ProbeCounter metrics;

    /** Counts each probe's outcome (the scan metrics, in the service). */
    public interface ProbeCounter {
        void probed(String mirror, String protocol, boolean ok);
    }

    /**
     * @param rescan asks for a scan of a mirror as soon as possible
     * @param metrics told of every probe's outcome
     */
    public HealthProber(Index index, EventLog events, ScanSettings settings, HttpFetcher http, LongSupplier clock,
            Consumer<String> rescan, ProbeCounter metrics) {
        this.metrics = metrics;
        this.index = index;
        this.events = events;
        this.settings = settings;
        this.probe = new HeadProbe(http, (int) settings.probe().timeout().toMillis());
        this.clock = clock;
        this.rescan = rescan;
    }

    /**
     * Probes every protocol {@code mirror} offers, now, and publishes the verdicts.
     *
     * @return false when nothing was probed: the mirror is unknown, or no file is known to be on it
     *     yet (never scanned, nothing matching). The base URL is never probed instead: a mirror
     *     without a directory index answers it 403 and writes a "directory index is forbidden"
     *     error into its log, for every probe (issue 13 item 11). Such a mirror is not chosen for
     *     any file anyway; its first good scan gives the probes a file.
     */
    public boolean probe(String mirror, PerMirrorScanSettings pm, boolean scannable) {
        IndexSnapshot snap = index.snapshot();
        int pos = snap.positionOf(mirror);
        if (pos < 0) {
            return false;
        }
        MirrorSpec spec = snap.spec(pos);
        String[] target = target(snap, pos);
        if (target == null) {
            return false;
        }
        boolean redirects = pm.allowRedirects() != null ? pm.allowRedirects() : settings.probe().allowRedirects();
        if (spec.httpUrl() != null) {
            judge(mirror, "http", spec.httpUrl(), target, redirects, scannable, MirrorState::http, MirrorState::withHttp);
        }
        if (spec.httpsUrl() != null) {
            judge(mirror, "https", spec.httpsUrl(), target, redirects, scannable, MirrorState::https,
                    MirrorState::withHttps);
        }
        return true;
    }

    /** A scan of {@code mirror} succeeded: protocols held down for that rescan come up. */
    public void scanSucceeded(String mirror) {
        long now = clock.getAsLong();
        for (String protocol : new String[] {"http", "https"}) {
            boolean https = protocol.equals("https");
            MirrorState[] before = new MirrorState[1];
            index.updateMirrorState(mirror, s -> {
                before[0] = s;
                ProtocolHealth h = https ? s.https() : s.http();
                if (h.status() != ProtocolHealth.Status.DOWN || !h.reason().equals(RESCANNING)) {
                    return s;
                }
                return https ? s.withHttps(ProtocolHealth.up(now)) : s.withHttp(ProtocolHealth.up(now));
            });
            ProtocolHealth h = https ? before[0].https() : before[0].http();
            if (h.status() == ProtocolHealth.Status.DOWN && h.reason().equals(RESCANNING)) {
                events.record(mirror, "up", protocol + " up: rescanned after being down");
            }
        }
    }

    private void judge(String mirror, String protocol, URI base, String[] target, boolean redirects, boolean scannable,
            java.util.function.Function<MirrorState, ProtocolHealth> get,
            java.util.function.BiFunction<MirrorState, ProtocolHealth, MirrorState> set) {
        ProbeResult r = probe.probe(base, target[0], Long.parseLong(target[1]), redirects);
        metrics.probed(mirror, protocol, r.ok());
        if (r.certificate() != null) {
            checkExpiry(mirror, r.certificate());
        }
        Hysteresis h = counters.computeIfAbsent(mirror + " " + protocol,
                k -> new Hysteresis(settings.probe().downAfter(), settings.probe().upAfter()));
        long now = clock.getAsLong();
        String[] event = new String[2];
        UnaryOperator<MirrorState> change = s -> {
            ProtocolHealth cur = get.apply(s);
            boolean known = cur.status() != ProtocolHealth.Status.UNKNOWN;
            Hysteresis.Verdict v = h.record(r.ok(), cur.usable(), known);
            if (v == Hysteresis.Verdict.GO_DOWN) {
                event[0] = "down";
                event[1] = protocol + " down: " + r.reason() + " (" + h.failures() + " failed probes in a row)";
                return set.apply(s, ProtocolHealth.down(r.reason(), now));
            }
            if (v == Hysteresis.Verdict.GO_UP) {
                long downFor = now - cur.sinceMillis();
                long stale = settings.probe().rescanAfterDown().toMillis();
                if (known && scannable && downFor > stale && now - s.lastScanMillis() > stale) {
                    if (!cur.reason().equals(RESCANNING)) {
                        event[0] = "down";
                        event[1] = protocol + " answers again after " + Durations.elapsed(downFor) + " down ("
                                + cur.reason() + "); held down until a rescan succeeds";
                    }
                    return set.apply(s, new ProtocolHealth(ProtocolHealth.Status.DOWN, RESCANNING, cur.sinceMillis()));
                }
                event[0] = "up";
                event[1] = protocol + " up" + (known ? " after " + Durations.elapsed(downFor) + " down (" + cur.reason() + ")" : "");
                return set.apply(s, ProtocolHealth.up(now));
            }
            if (!r.ok() && !cur.usable() && !cur.reason().equals(r.reason())) {
                return set.apply(s, new ProtocolHealth(ProtocolHealth.Status.DOWN, r.reason(), cur.sinceMillis()));
            }
            return s;
        };
        synchronized (h) {
            index.updateMirrorState(mirror, change);
        }
        if (event[0] != null) {
            events.record(mirror, event[0], event[1]);
            log.info("mirror {}: {}", mirror, event[1]);
            if (event[1].endsWith("held down until a rescan succeeds")) {
                rescan.accept(mirror);
            }
        }
    }

    /**
     * What to HEAD: {path, size}. A random file the mirror matched at its last scan (trusted
     * mirrors: any local file); null while no such file is known.
     */
    private static String[] target(IndexSnapshot snap, int pos) {
        FileTable files = snap.files();
        Availability a = snap.availability(pos);
        boolean trusted = snap.spec(pos).trusted();
        int limit = files.idLimit();
        if (limit > 0 && (trusted || a.matchingCount() > 0)) {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int attempt = 0; attempt < 64; attempt++) {
                int id = random.nextInt(limit);
                if (files.exists(id) && !files.isDeleted(id) && (trusted || a.matches(id))) {
                    return new String[] {files.path(id), Long.toString(files.size(id))};
                }
            }
            for (org.roaringbitmap.IntIterator it = a.matchingIds().getIntIterator(); it.hasNext(); ) {
                int id = it.next();
                if (files.exists(id) && !files.isDeleted(id)) {
                    return new String[] {files.path(id), Long.toString(files.size(id))};
                }
            }
        }
        return null;
    }

    private void checkExpiry(String mirror, X509Certificate cert) {
        long notAfter = cert.getNotAfter().getTime();
        long left = notAfter - clock.getAsLong();
        if (left < settings.probe().certExpiryWarning().toMillis()) {
            Long before = warnedExpiry.put(mirror, notAfter);
            if (before == null || before != notAfter) {
                events.record(mirror, "cert-expiry", "https certificate expires " + Instant.ofEpochMilli(notAfter)
                        + " (in " + Durations.elapsed(Math.max(0, left)) + "); subject " + cert.getSubjectX500Principal());
            }
        }
    }
}
