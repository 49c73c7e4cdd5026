package org.mirrorgate.scan.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mirrorgate.index.Availability;
import org.mirrorgate.lease.InProcessScanLease;
import org.mirrorgate.lease.ScanLease;
import org.mirrorgate.mirror.MirrorSpec;
import org.mirrorgate.scan.ListingCollector;
import org.mirrorgate.scan.MirrorLister;
import org.mirrorgate.scan.PerMirrorScanSettings;
import org.mirrorgate.scan.ScanFailedException;
import org.mirrorgate.testing.MirrorScanFixture;

/** The monitor's scheduling and admin rules, with a scripted lister instead of a network. */
class MirrorMonitorTest {

    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger maxRunning = new AtomicInteger();
    private final Set<String> scanned = ConcurrentHashMap.newKeySet();
    private MirrorMonitor monitor;

    /** Lists one file "f" after {@link #release} is counted down (or the scan is cancelled). */
    private final MirrorLister blocking = new MirrorLister() {
        @Override
        public String protocol() {
            return "rsync";
        }

        @Override
        public List<String> list(URI url, ListingCollector out) throws ScanFailedException {
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            out.onCancel(release::countDown);
            try {
                release.await(30, TimeUnit.SECONDS);
                out.checkAlive();
                out.file("f", 1, 1000);
                scanned.add(url.getHost());
                return List.of();
            } catch (InterruptedException e) {
                out.checkAlive(); // "cancelled" when the monitor is stopping
                throw new ScanFailedException("interrupted");
            } finally {
                running.decrementAndGet();
            }
        }
    };

    private MirrorScanFixture fixture(MirrorSpec... mirrors) {
        MirrorScanFixture fx = new MirrorScanFixture(List.of(mirrors));
        var b = fx.index.snapshot().files().toBuilder();
        b.put("f", 1, 1000, 1);
        fx.index.publishFiles(b);
        return fx;
    }

    private MirrorMonitor start(MirrorScanFixture fx, String yaml, ScanLease lease) {
        monitor = new MirrorMonitor(fx.index, fx.events, MirrorScanFixture.quick(yaml), Map.of(), System::currentTimeMillis,
                lease, Map.of("rsync", blocking), Duration.ofMillis(10));
        return monitor;
    }

    private static MirrorSpec rsync(String name) {
        return MirrorScanFixture.mirror(name, null, null, "rsync://" + name + "/debian/", null);
    }

    @AfterEach
    void stop() {
        release.countDown();
        if (monitor != null) {
            monitor.stop();
        }
    }

    @Test
    void scheduledScansNeverExceedTheConcurrencyLimit() {
        MirrorScanFixture fx = fixture(rsync("a"), rsync("b"), rsync("c"));
        start(fx, "concurrency: 2\nprobe-interval: 1h", new InProcessScanLease()).start();

        await().atMost(Duration.ofSeconds(10)).until(() -> running.get() == 2);
        assertThat(fx.eventText("a")).contains("added: mirror added: rsync://a/debian/");
        release.countDown();

        await().atMost(Duration.ofSeconds(10)).until(() -> scanned.size() == 3);
        assertThat(maxRunning.get()).isEqualTo(2);
        await().until(() -> fx.availability("c").matchingCount() == 1);
    }

    @Test
    void aManualScanOfAMirrorBeingScannedIsRejected() {
        MirrorScanFixture fx = fixture(rsync("a"));
        start(fx, "probe-interval: 1h", new InProcessScanLease()).start();
        await().atMost(Duration.ofSeconds(10)).until(() -> running.get() == 1);

        assertThatThrownBy(() -> monitor.scanNow("a", u -> { })).isInstanceOfSatisfying(ScanRejectedException.class,
                e -> assertThat(e.kind()).isEqualTo(ScanRejectedException.Kind.ALREADY_RUNNING));
    }

    @Test
    void aLeaseHeldByAnotherReplicaBlocksBothScheduledAndManualScans() {
        MirrorScanFixture fx = fixture(rsync("a"));
        ScanLease elsewhere = new ScanLease() {
            @Override
            public boolean acquire(String mirror) {
                return false;
            }

            @Override
            public void release(String mirror) {
            }
        };
        start(fx, "", elsewhere);
        monitor.tick();
        assertThat(running.get()).isZero();
        assertThatThrownBy(() -> monitor.scanNow("a", u -> { })).isInstanceOfSatisfying(ScanRejectedException.class,
                e -> assertThat(e.kind()).isEqualTo(ScanRejectedException.Kind.ALREADY_RUNNING));
    }

    @Test
    void trustedMirrorsAndMirrorsWithoutAUsableUrlCannotBeScanned() {
        MirrorSpec trusted = new MirrorSpec("t", URI.create("http://t/"), null, URI.create("rsync://t/x/"), null,
                List.of(), "", Set.of(), List.of(), MirrorSpec.Restrictions.NONE, Set.of(), 0, 1, true, true,
                Double.NaN, Double.NaN);
        MirrorScanFixture fx = fixture(trusted, MirrorScanFixture.mirror("h", "http://h/", null, null, null));
        monitor = new MirrorMonitor(fx.index, fx.events, MirrorScanFixture.quick(""),
                Map.of("h", new PerMirrorScanSettings(null, PerMirrorScanSettings.ScanVia.RSYNC, null, null, null, null)),
                System::currentTimeMillis);

        assertThatThrownBy(() -> monitor.scanNow("t", u -> { })).isInstanceOfSatisfying(ScanRejectedException.class,
                e -> assertThat(e.kind()).isEqualTo(ScanRejectedException.Kind.NOT_SCANNABLE))
                .hasMessageContaining("trusted");
        assertThatThrownBy(() -> monitor.scanNow("h", u -> { })).isInstanceOfSatisfying(ScanRejectedException.class,
                e -> assertThat(e.kind()).isEqualTo(ScanRejectedException.Kind.NOT_SCANNABLE))
                .hasMessageContaining("scan-via rsync");
        assertThatThrownBy(() -> monitor.scanNow("zz", u -> { })).isInstanceOfSatisfying(ScanRejectedException.class,
                e -> assertThat(e.kind()).isEqualTo(ScanRejectedException.Kind.UNKNOWN_MIRROR));
    }

    @Test
    void scanOutcomesAndMirrorTimesAreExportedAsMetrics() throws Exception {
        MirrorScanFixture fx = fixture(rsync("a"));
        var registry = new io.prometheus.metrics.model.registry.PrometheusRegistry();
        start(fx, "", new InProcessScanLease()).registerMetrics(registry);
        fx.index.updateMirrorState("a", st -> st.withTraceSync(1_700_000_000_000L));
        release.countDown();

        assertThat(monitor.scanNow("a", u -> { }).success()).isTrue();

        var out = new java.io.ByteArrayOutputStream();
        io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter.create().write(out, registry.scrape());
        assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8))
                .contains("mirrorgate_scans_total{mirror=\"a\",protocol=\"rsync\",result=\"ok\"} 1.0")
                .contains("mirrorgate_mirror_trace_sync_timestamp_seconds{mirror=\"a\"} 1.7E9")
                .contains("mirrorgate_mirror_last_scan_timestamp_seconds{mirror=\"a\"}")
                .contains("mirrorgate_scan_rejected_entries{mirror=\"a\"} 0.0");
    }

    @Test
    void stoppingCancelsRunningScansWithoutPublishingAnything() {
        MirrorScanFixture fx = fixture(rsync("a"));
        start(fx, "probe-interval: 1h", new InProcessScanLease()).start();
        await().atMost(Duration.ofSeconds(10)).until(() -> running.get() == 1);

        monitor.stop();

        assertThat(fx.availability("a")).isSameAs(Availability.NONE);
        assertThat(fx.eventText("a")).contains("scan-failed: failed via rsync: cancelled");
    }
}
