package org.mirrorgate.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.mirrorgate.testing.TestMirror.mirror;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.mirrorgate.geo.ClientLocation;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.Index;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.index.ListingIngest;
import org.mirrorgate.mirror.MirrorSpec;
import org.mirrorgate.rank.ClientPlan;
import org.mirrorgate.rank.PathPolicy;
import org.mirrorgate.rank.RankSettings;
import org.mirrorgate.rank.Ranker;
import org.mirrorgate.rank.Selection;
import org.mirrorgate.rank.Verdict;
import org.mirrorgate.stats.DownloadRecorder;

/**
 * The whole loop on simulated traffic: the real {@link Ranker} draws each request, the real {@link
 * LoadMeter} counts it, the real {@link CapacityGovernor} adjusts the shares every period on a
 * manual clock. Munich's clients send 400 requests/s of 10 Mbit files: 4,000 Mbit/s.
 */
class CapacityBalancingTest {

    private static final long MTIME = 1_700_000_000_000L;
    private static final ClientLocation MUNICH = new ClientLocation("DE", "EU", 3320, 48.137, 11.575);
    private static final long FILE_BYTES = 1_250_000; // 10 Mbit
    private static final int REQUESTS_PER_PERIOD = 2_000; // 400/s over 5 s: 4,000 Mbit/s offered
    private static final long PERIOD_MILLIS = CapacityGovernor.PERIOD.toMillis();

    @Test
    void aSmallMirrorAloneInABigCountryGetsItsBandwidthAndTheRestGoesToTheNextNearest() throws Exception {
        Loop loop = new Loop(List.of(
                mirror("munich").in("DE", "EU").at(48.137, 11.575).maxMbps(1000).build(),
                mirror("zurich").in("CH", "EU").at(47.377, 8.541).build(),
                mirror("vienna").in("AT", "EU").at(48.208, 16.373).build(),
                mirror("lisbon").in("PT", "EU").at(38.722, -9.139).build()));
        List<Map<String, Double>> periods = loop.run(36); // three minutes
        // Before it learns anything, the country's only mirror takes all 4,000 Mbit/s.
        assertThat(periods.get(0).get("munich")).isCloseTo(4000, within(1.0));
        for (int i = 1; i < periods.size(); i++) {
            // It comes down to its bandwidth without swinging below it (4000, 2588, 1774, 1364, ...).
            assertThat(periods.get(i).get("munich")).as("period %d", i).isGreaterThan(850);
        }
        for (Map<String, Double> p : periods.subList(12, 36)) { // from the second minute on
            assertThat(p.get("munich")).as("%s", p).isCloseTo(1000, within(150.0));
            assertThat(p.get("zurich") + p.get("vienna")).isCloseTo(3000, within(150.0));
            assertThat(p.get("lisbon")).as("2,000 km: not among the next nearest").isZero();
        }
        Map<String, Double> last = periods.get(35);
        assertThat(last.get("zurich") / last.get("vienna")).as("the two next share evenly").isCloseTo(1, within(0.2));
        assertThat(loop.ranker.admission().share("munich")).isCloseTo(0.25, within(0.04));
        assertThat(loop.ranker.admission().share("zurich")).as("no ceiling declared: keeps everything").isEqualTo(1);
    }

    @Test
    void aMirrorGoingDownMovesItsLoadToTheOtherWithoutOscillation() throws Exception {
        Loop loop = new Loop(List.of(
                mirror("munich").in("DE", "EU").at(48.137, 11.575).maxMbps(1500).build(),
                mirror("nuremberg").in("DE", "EU").at(49.452, 11.077).maxMbps(1500).build(),
                mirror("zurich").in("CH", "EU").at(47.377, 8.541).build(),
                mirror("vienna").in("AT", "EU").at(48.208, 16.373).build()));
        List<Map<String, Double>> before = loop.run(24);
        for (Map<String, Double> p : before.subList(12, 24)) {
            assertThat(p.get("munich") + p.get("nuremberg")).as("%s", p).isCloseTo(3000, within(250.0));
        }
        loop.index.updateMirrorState("nuremberg", s -> s.withEnabled(false));
        List<Map<String, Double>> after = loop.run(36);
        List<Double> munich = after.stream().map(p -> p.get("munich")).toList();
        // It took Nuremberg's share at once (the figures lag a period), then came down to its
        // bandwidth and stayed: once near it, it never swings far past it either way.
        int settled = -1;
        for (int i = 0; i < munich.size(); i++) {
            if (Math.abs(munich.get(i) - 1500) <= 150) {
                settled = i;
                break;
            }
        }
        assertThat(settled).as("%s", munich).isBetween(0, 12); // within a minute
        for (double load : munich.subList(settled, munich.size())) {
            assertThat(load).as("%s", munich).isCloseTo(1500, within(250.0));
        }
        for (int i = 1; i < settled; i++) {
            assertThat(munich.get(i)).as("a steady descent, no undershoot: %s", munich).isLessThanOrEqualTo(munich.get(i - 1) + 100);
        }
        assertThat(after.get(35).get("nuremberg")).isZero();
        assertThat(after.get(35).get("zurich") + after.get(35).get("vienna")).isCloseTo(2500, within(250.0));
    }

    @Test
    void whenEveryHolderIsOverItsBandwidthTheRequestStillGoesToAMirror() throws Exception {
        Loop loop = new Loop(List.of(mirror("munich").in("DE", "EU").at(48.137, 11.575).maxMbps(100).build()));
        List<Map<String, Double>> periods = loop.run(12);
        assertThat(loop.ranker.admission().share("munich")).isLessThan(0.1);
        // Nothing else holds the file: better over its bandwidth than the origin.
        assertThat(periods.get(11).get("munich")).isCloseTo(4000, within(1.0));
    }

    @Test
    void explainShowsTheSheddingMirrorWithItsSampledProbabilityAndTheReason() throws Exception {
        Loop loop = new Loop(List.of(
                mirror("munich").in("DE", "EU").at(48.137, 11.575).maxMbps(1000).build(),
                mirror("zurich").in("CH", "EU").at(47.377, 8.541).build(),
                mirror("vienna").in("AT", "EU").at(48.208, 16.373).build()));
        loop.run(24);
        IndexSnapshot snap = loop.index.snapshot();
        ClientPlan plan = loop.ranker.plan(snap, InetAddress.getByName("10.9.0.1"), MUNICH, 6);
        List<Verdict> v = loop.ranker.explain(snap, plan, loop.fileId, PathPolicy.DEFAULT, false);
        Map<String, Verdict> byName = new HashMap<>();
        v.forEach(x -> byName.put(snap.spec(x.mirror()).name(), x));
        double share = loop.ranker.admission().share("munich");
        assertThat(byName.get("munich").accepted()).isTrue();
        assertThat(byName.get("munich").probability()).isCloseTo(share, within(0.03));
        assertThat(byName.get("munich").load()).startsWith("over capacity: keeps ").contains("max 1000 Mbit/s");
        assertThat(byName.get("zurich").probability()).isCloseTo((1 - share) / 2, within(0.03));
        assertThat(byName.get("zurich").load()).isNull();
        assertThat(v.stream().mapToDouble(Verdict::probability).sum()).isCloseTo(1, within(0.001));
    }

    /** One file every mirror holds; Munich's clients; the governor on a manual clock. */
    private static final class Loop {
        final Index index;
        final Ranker ranker = new Ranker(RankSettings.DEFAULTS);
        final int fileId;
        final AtomicLong clock = new AtomicLong(MTIME);
        final Map<String, Long> periodBytes = new HashMap<>();
        final LoadMeter meter = new LoadMeter(new DownloadRecorder() {
            @Override
            public void record(String path, String mirror, String country, long bytes) {
                periodBytes.merge(mirror, bytes, Long::sum);
            }
        });
        final CapacityGovernor governor;
        final SplittableRandom random = new SplittableRandom(3);
        final List<String> names;

        Loop(List<MirrorSpec> mirrors) {
            index = new Index(mirrors, clock::get);
            FileTable.Builder b = index.snapshot().files().toBuilder();
            b.put("f", FILE_BYTES, MTIME, MTIME);
            index.publishFiles(b);
            for (MirrorSpec m : mirrors) {
                ListingIngest in = index.beginListing(m.name()).coarsenPrecision(1000);
                in.accept("f", FILE_BYTES, MTIME);
                index.applyListing(in.finish(MTIME, 0));
            }
            fileId = index.snapshot().files().idOf("f");
            names = mirrors.stream().map(MirrorSpec::name).toList();
            governor = new CapacityGovernor(meter, LoadBoard.LOCAL, () -> index.snapshot().specs(), ranker::admit,
                    clock::get);
        }

        /** Runs {@code periods} periods; per period, each mirror's load in Mbit/s. */
        List<Map<String, Double>> run(int periods) throws Exception {
            List<Map<String, Double>> out = new ArrayList<>();
            for (int p = 0; p < periods; p++) {
                IndexSnapshot snap = index.snapshot();
                periodBytes.clear();
                for (int r = 0; r < REQUESTS_PER_PERIOD; r++) {
                    InetAddress client = InetAddress.getByAddress(new byte[] {10, 1, (byte) (r % 50), 1});
                    ClientPlan plan = ranker.plan(snap, client, MUNICH, 6);
                    Selection s = ranker.select(snap, plan, fileId, PathPolicy.DEFAULT, false, 0, random);
                    meter.record("f", snap.spec(s.mirror(0)).name(), "DE", FILE_BYTES);
                }
                Map<String, Double> load = new HashMap<>();
                for (String n : names) {
                    load.put(n, periodBytes.getOrDefault(n, 0L) * 8 / 1e6 / (PERIOD_MILLIS / 1000.0));
                }
                out.add(load);
                clock.addAndGet(PERIOD_MILLIS);
                governor.tick();
            }
            return out;
        }
    }
}
