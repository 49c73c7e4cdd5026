package org.mirrorgate.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.mirrorgate.geo.ClientLocation;
import org.mirrorgate.index.Availability;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.Index;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.mirror.InMemoryEventLog;
import org.mirrorgate.mirror.MirrorEvent;
import org.mirrorgate.mirror.MirrorSpec;
import org.mirrorgate.mirror.MirrorState;
import org.mirrorgate.rank.PathPolicy;
import org.mirrorgate.rank.RankSettings;
import org.mirrorgate.rank.Ranker;
import org.mirrorgate.rank.Verdict;
import org.mirrorgate.scan.PerMirrorScanSettings;
import org.mirrorgate.scan.ScanSettings;
import org.mirrorgate.scan.monitor.MirrorMonitor;
import org.mirrorgate.scan.monitor.ScanOutcome;

/** Index, event log and settings for scan tests, with the assertions they share. */
public final class MirrorScanFixture {

    public final Index index;
    public final InMemoryEventLog events;

    public MirrorScanFixture(List<MirrorSpec> mirrors) {
        this.index = new Index(mirrors, System::currentTimeMillis);
        this.events = new InMemoryEventLog(1000, System::currentTimeMillis);
    }

    /** A mirror spec with only the URLs set (null = not offered). */
    public static MirrorSpec mirror(String name, String http, String https, String rsync, String ftp) {
        return new MirrorSpec(name, uri(http), uri(https), uri(rsync), uri(ftp), List.of(), "", java.util.Set.of(),
                List.of(), MirrorSpec.Restrictions.NONE, java.util.Set.of(), 0, 1.0, true, false, Double.NaN, Double.NaN);
    }

    /** Settings from a YAML {@code scan:} body; problems fail the test. */
    public static ScanSettings settings(String yaml) {
        return ConfigSnippets.scan(yaml);
    }

    /**
     * Test defaults (no jitter, short timeouts), each replaced by a key {@code extraYaml} sets: a key
     * given twice is a config error, as it would be in a real file.
     */
    public static ScanSettings quick(String extraYaml) {
        java.util.Set<String> given = new java.util.HashSet<>();
        extraYaml.lines().filter(l -> l.contains(":")).forEach(l -> given.add(l.substring(0, l.indexOf(':')).trim()));
        String defaults = java.util.stream.Stream.of("jitter: 0s", "timeout: 60s", "connect-timeout: 5s",
                        "io-timeout: 15s", "http-scan-delay: 0s")
                .filter(l -> !given.contains(l.substring(0, l.indexOf(':'))))
                .collect(java.util.stream.Collectors.joining("\n", "", "\n"));
        return settings(defaults + extraYaml);
    }

    public MirrorMonitor monitor(ScanSettings settings) {
        return new MirrorMonitor(index, events, settings, Map.of(), System::currentTimeMillis);
    }

    public MirrorMonitor monitor(ScanSettings settings, Map<String, PerMirrorScanSettings> perMirror) {
        return new MirrorMonitor(index, events, settings, perMirror, System::currentTimeMillis);
    }

    /** A monitor with {@link #quick} settings plus {@code yaml}, stopped by {@code closer}. */
    public MirrorMonitor monitor(String yaml, org.mirrorgate.testing.Closer closer) {
        MirrorMonitor m = monitor(quick(yaml));
        closer.add(m::stop);
        return m;
    }

    /** Scans mirror "m" once with such a monitor. */
    public ScanOutcome scanM(String yaml, org.mirrorgate.testing.Closer closer) {
        return monitor(yaml, closer).scanNow("m", u -> { });
    }

    public Availability availability(String mirror) {
        IndexSnapshot s = index.snapshot();
        return s.availability(s.positionOf(mirror));
    }

    public MirrorState state(String mirror) {
        IndexSnapshot s = index.snapshot();
        return s.state(s.positionOf(mirror));
    }

    /** Whether the mirror's current availability holds {@code path} up to date. */
    public boolean matches(String mirror, String path) {
        FileTable f = index.snapshot().files();
        int id = f.idOf(path);
        assertThat(id).as("local file %s", path).isNotNegative();
        return availability(mirror).matches(id);
    }

    public boolean outdated(String mirror, String path) {
        FileTable f = index.snapshot().files();
        int id = f.idOf(path);
        return availability(mirror).outdatedMtime(id) != Long.MIN_VALUE;
    }

    /**
     * The first mirror's verdict on {@code path} for an unplaced client, with the default policy:
     * "accepted" or the reason it is excluded (Explain's words).
     */
    public String verdict(String path) throws java.net.UnknownHostException {
        Ranker ranker = new Ranker(RankSettings.DEFAULTS);
        IndexSnapshot s = index.snapshot();
        var plan = ranker.plan(s, InetAddress.getByName("192.0.2.1"), ClientLocation.UNKNOWN, 6);
        Verdict v = ranker.explain(s, plan, s.files().idOf(path), PathPolicy.DEFAULT, false).get(0);
        return v.accepted() ? "accepted" : v.reason();
    }

    public List<MirrorEvent> events(String mirror) {
        return events.recent(mirror, 1000);
    }

    public String eventText(String mirror) {
        return events(mirror).stream().map(e -> e.kind() + ": " + e.message()).collect(Collectors.joining("\n"));
    }

    private static URI uri(String s) {
        return s == null ? null : URI.create(s);
    }
}
