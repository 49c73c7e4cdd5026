package org.mirrorgate.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mirrorgate.replay.ReplayFixture.FILES;
import static org.mirrorgate.replay.ReplayFixture.FILE_SIZE;
import static org.mirrorgate.replay.ReplayFixture.T0;
import static org.mirrorgate.replay.ReplayFixture.client;
import static org.mirrorgate.replay.ReplayFixture.combined;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorgate.config.ConfigLoader;
import org.mirrorgate.config.MirrorgateConfig;
import org.mirrorgate.index.Index;
import org.mirrorgate.replay.ReplayReport.Kind;
import org.mirrorgate.store.StateStore;
import org.mirrorgate.store.StoreUnavailableException;

/**
 * Replays of generated logs of known composition against a real store, real GeoIP databases and
 * real configs, with the shares the ranking's rules give (docs/ranking.md): Berlin's clients share
 * de1 and de2 by capacity, London's go to gb1.
 */
class ReplayTest {

    @TempDir
    Path dir;

    private ReplayFixture fx;
    private Path current;

    @BeforeEach
    void setUp() throws IOException {
        fx = new ReplayFixture(dir);
        current = fx.config("current.yaml", "", "", "");
        fx.writeStore(current);
    }

    private ReplayReport replay(Path proposed, LogFormat format, Path... logs) throws IOException {
        MirrorgateConfig cur = ConfigLoader.load(current);
        return Replay.run(new Replay.Options(cur, ConfigLoader.load(proposed), cur.store(), List.of(logs), format, false,
                true, 5), Replay.Progress.NONE);
    }

    private static ReplayReport.Target target(ReplayReport r, String mirror) {
        return r.targets().stream().filter(t -> t.kind() == Kind.MIRROR && t.name().equals(mirror)).findFirst()
                .orElseThrow(() -> new AssertionError("no row for " + mirror + " in " + r.targets()));
    }

    /** {@code de} requests from Berlin and {@code gb} from London, interleaved, one every 100 ms. */
    private static List<String> mixedLog(int de, int gb) {
        List<String> lines = new ArrayList<>();
        int total = de + gb;
        int d = 0;
        int g = 0;
        for (int n = 0; n < total; n++) {
            boolean germany = (long) n * de / total != (long) (n + 1) * de / total; // spread evenly
            int k = germany ? d++ : g++;
            lines.add(combined(client(germany, k), T0 + n * 100L, "GET", "/debian/pool/f" + (k % FILES) + ".deb", 302,
                    154));
        }
        return lines;
    }

    @Test
    void aCapacityOfThreeForDe2MovesAQuarterOfBerlinsRequestsAndNoneOfLondons() throws IOException {
        Path proposed = fx.config("new.yaml", "", ", capacity: 3", "");
        ReplayReport r = replay(proposed, LogFormat.AUTO, fx.write("access.log", mixedLog(6000, 4000)));

        assertThat(r.requests()).isEqualTo(10_000);
        assertThat(r.badLines()).isZero();
        assertThat(r.skipped()).isEmpty();
        // current: 1:1 between de1 and de2; new: 1:3. A binomial over 6,000 draws: sd 39, 4 sd allowed.
        assertThat(target(r, "de1").current().requests()).isBetween(3000L - 160, 3000L + 160);
        assertThat(target(r, "de2").current().requests()).isBetween(3000L - 160, 3000L + 160);
        assertThat(target(r, "de1").proposed().requests()).isBetween(1500L - 140, 1500L + 140);
        assertThat(target(r, "de2").proposed().requests()).isBetween(4500L - 140, 4500L + 140);
        assertThat(target(r, "gb1").current().requests()).isEqualTo(4000);
        assertThat(target(r, "gb1").proposed().requests()).isEqualTo(4000);
        // a 302 is no file: each request stands for the file's size
        assertThat(target(r, "gb1").current().bytes()).isEqualTo(4000 * FILE_SIZE);
        // With the same draws, only the requests between the two splits move: a quarter of Berlin's
        // (independent draws would move half of them).
        assertThat(r.changed()).isBetween(1500L - 140, 1500L + 140);
        assertThat(r.current().mirror()).isEqualTo(10_000);
        assertThat(r.proposed().local() + r.proposed().fallback() + r.proposed().notFound()).isZero();
        // per country: London's all to gb1, Berlin's never
        assertThat(r.countries()).anySatisfy(c -> {
            assertThat(c.country()).isEqualTo("GB");
            assertThat(c.name()).isEqualTo("gb1");
            assertThat(c.current().requests()).isEqualTo(4000);
            assertThat(c.proposed().requests()).isEqualTo(4000);
        });
        assertThat(r.countries()).noneSatisfy(c -> {
            assertThat(c.country()).isEqualTo("DE");
            assertThat(c.name()).isEqualTo("gb1");
            assertThat(c.current().requests() + c.proposed().requests()).isPositive();
        });
    }

    @Test
    void theSameConfigOnBothSidesMovesNothing() throws IOException {
        ReplayReport r = replay(current, LogFormat.COMBINED, fx.write("access.log", mixedLog(3000, 1000)));
        assertThat(r.requests()).isEqualTo(4000);
        assertThat(r.changed()).isZero();
        for (ReplayReport.Target t : r.targets()) {
            assertThat(t.proposed()).as(t.name()).isEqualTo(t.current());
        }
    }

    @Test
    void aMirrorOverItsBandwidthShedsOnTheLogsClockToTheNextTier() throws IOException {
        // London: 10 requests/s of 80 Mbit = 800 Mbit/s for 10 minutes; gb1 may take 200.
        List<String> lines = new ArrayList<>();
        for (int n = 0; n < 6000; n++) {
            lines.add(combined(client(false, n), T0 + n * 100L, "GET", "/debian/pool/f" + (n % FILES) + ".deb", 302, 154));
        }
        Path proposed = fx.config("new.yaml", "", "", ", max-mbps: 200");
        ReplayReport r = replay(proposed, LogFormat.COMBINED, fx.write("access.log", lines));

        assertThat(target(r, "gb1").current().requests()).isEqualTo(6000);
        // 200 / 800 = 25 % once converged (a few periods of 5 s out of 120), the rest to the DE mirrors
        double kept = target(r, "gb1").proposed().requests() / 6000.0;
        assertThat(kept).isBetween(0.24, 0.32);
        assertThat(target(r, "de1").proposed().requests() + target(r, "de2").proposed().requests())
                .isEqualTo(6000 - target(r, "gb1").proposed().requests());
        assertThat(r.notes()).isEmpty();
    }

    @Test
    void withoutTimesCapacityIsNotSimulatedAndTheReportSaysSo() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int n = 0; n < 500; n++) {
            lines.add("{\"ip\":\"" + client(false, n) + "\",\"path\":\"/debian/pool/f" + (n % FILES) + ".deb\"}");
        }
        Path proposed = fx.config("new.yaml", "", "", ", max-mbps: 200");
        ReplayReport r = replay(proposed, LogFormat.AUTO, fx.write("access.json", lines));
        assertThat(target(r, "gb1").proposed().requests()).isEqualTo(500);
        assertThat(r.notes()).singleElement().asString().contains("new config: max-mbps not simulated");
    }

    @Test
    void badLinesAreCountedAndShownWithTheirLineNumbersAndTheRestIsReplayed() throws IOException {
        List<String> lines = new ArrayList<>(List.of(
                combined("192.0.2.1", T0, "GET", "/debian/pool/f1.deb", 200, FILE_SIZE), // 1: good, 200: logged bytes
                "garbage",                                                                  // 2
                "",                                                                         // 3: empty
                "192.0.2.1 - - [32/Foo/2026:99:00:00 +0000] \"GET /debian/pool/f1.deb HTTP/1.1\" 200 5", // 4
                "192.0.2.1 - - [10/Oct/2026:13:55:36 +0000] \"GET /debian/pool/f1.deb",    // 5: cut
                combined("192.0.2.1", T0, "POST", "/debian/pool/f1.deb", 405, 0),          // 6: skipped
                combined("192.0.2.1", T0, "GET", "/ubuntu/pool/f1.deb", 404, 0),           // 7: skipped
                combined("192.0.2.1", T0, "GET", "/debian/pool/%2e%2e/x", 400, 0),         // 8: refused by Resolve
                combined("192.0.2.1", T0, "GET", "/debian/pool/f1.deb", 206, 1000),       // 9: a Range part
                combined("192.0.2.1", T0, "HEAD", "/debian/pool/f1.deb", 302, 0),         // 10: a HEAD
                "x".repeat(20_000),                                                         // 11
                "\u0016\u0003\u0001 - - [10/Oct/2026:13:55:36 +0000] \"\u0016\u0003\" 400 0")); // 12
        ReplayReport r = replay(current, LogFormat.COMBINED, fx.write("access.log", lines));

        assertThat(r.lines()).isEqualTo(12);
        assertThat(r.emptyLines()).isEqualTo(1);
        assertThat(r.badLines()).isEqualTo(5);
        assertThat(r.badSamples()).containsExactly(
                "access.log:2: no client address (expected nginx's combined format: $remote_addr - $remote_user"
                        + " [$time_local] \"$request\" $status $body_bytes_sent ...)",
                "access.log:4: time: 32/Foo/2026:99:00:00 +0000 (expected: like 10/Oct/2000:13:55:36 -0700)",
                "access.log:5: no quoted request line",
                "access.log:11: longer than 16384 bytes",
                "access.log:12: request line without a path: \"\u0016\u0003\"");
        assertThat(r.skipped()).containsOnly(
                java.util.Map.entry("method POST", 1L),
                java.util.Map.entry("outside url-prefix /debian/", 1L),
                java.util.Map.entry("invalid request (path)", 1L));
        assertThat(r.requests()).isEqualTo(3);
        // the 200's and the 206's logged bytes, and nothing for the HEAD
        long bytes = r.targets().stream().mapToLong(t -> t.current().bytes()).sum();
        assertThat(bytes).isEqualTo(FILE_SIZE + 1000);
    }

    @Test
    void aGzipLogIsReadAsThePlainOneAndSeveralLogsAddUp() throws IOException {
        List<String> lines = mixedLog(600, 400);
        Path plain = fx.write("access.log.1", lines);
        Path gz = fx.writeGzip("access.log.2.gz", lines);
        ReplayReport a = replay(current, LogFormat.AUTO, plain);
        ReplayReport b = replay(current, LogFormat.AUTO, gz);
        assertThat(b.targets()).isEqualTo(a.targets());
        assertThat(b.requests()).isEqualTo(1000);
        ReplayReport both = replay(current, LogFormat.AUTO, plain, gz);
        assertThat(both.requests()).isEqualTo(2000);
        assertThat(target(both, "gb1").current().requests()).isEqualTo(800);
    }

    @Test
    void theJsonFormatAndMirrorgatesOwnDownloadLogAreRead() throws IOException {
        List<String> lines = List.of(
                "{\"ip\":\"81.2.69.5\",\"time\":\"2026-12-04T17:46:33+01:00\",\"method\":\"GET\","
                        + "\"path\":\"/debian/pool/f1.deb\",\"status\":302,\"bytes\":154}",
                "{\"ip\":\"81.2.69.6\",\"path\":\"/debian/pool/f2.deb\",\"bytes\":\"5000\",\"status\":\"200\"}",
                // the download log's line, as DownloadLog writes it
                "{\"time\":\"2026-12-04T17:46:34.120Z\",\"client\":\"81.2.69.0\",\"country\":\"GB\",\"asn\":0,"
                        + "\"path\":\"/debian/pool/f3.deb\",\"action\":\"redirect\",\"mirror\":\"gb1\","
                        + "\"reason\":\"mirror\",\"size\":10000000}",
                "{\"time\":\"2026-12-04T17:46:35.000Z\",\"client\":\"\",\"country\":\"GB\",\"asn\":0,"
                        + "\"path\":\"/debian/pool/f3.deb\",\"action\":\"redirect\",\"mirror\":\"gb1\","
                        + "\"reason\":\"mirror\",\"size\":10000000}",
                "{\"ip\":\"81.2.69.7\"}",
                "{\"ip\":\"81.2.69.7\",\"path\":\"/debian/pool/f1.deb\",\"time\":\"yesterday\"}",
                "{\"ip\":\"81.2.69.7\",\"path\":",
                "[1,2]");
        ReplayReport r = replay(current, LogFormat.JSON, fx.write("access.json", lines));
        assertThat(r.requests()).isEqualTo(3);
        assertThat(target(r, "gb1").current().requests()).isEqualTo(3);
        assertThat(target(r, "gb1").current().bytes()).isEqualTo(FILE_SIZE + 5000 + FILE_SIZE);
        assertThat(r.skipped()).containsOnlyKeys("no client address (a download log with log-client-ip: none)");
        assertThat(r.badLines()).isEqualTo(4);
        assertThat(r.badSamples()).hasSize(4);
        assertThat(r.badSamples().get(0)).isEqualTo("access.json:5: no \"path\" field");
        assertThat(r.badSamples().get(1)).startsWith("access.json:6: \"time\": yesterday (expected: ISO-8601");
        assertThat(r.badSamples().get(2)).startsWith("access.json:7: JSON: ");
        assertThat(r.badSamples().get(3)).isEqualTo("access.json:8: not a JSON object");
    }

    @Test
    void aReplayWritesNothingToTheStore() throws IOException {
        Path file = ConfigLoader.load(current).store().file();
        byte[] before = java.nio.file.Files.readAllBytes(file);
        long modified = java.nio.file.Files.getLastModifiedTime(file).toMillis();
        Path proposed = fx.config("new.yaml", "", "", ", max-mbps: 200");
        replay(proposed, LogFormat.AUTO, fx.write("access.log", mixedLog(600, 400)));
        assertThat(java.nio.file.Files.readAllBytes(file)).isEqualTo(before);
        assertThat(java.nio.file.Files.getLastModifiedTime(file).toMillis()).isEqualTo(modified);
    }

    @Test
    void aStoreARunningServiceHoldsIsRefusedWithWhatToDo() throws IOException {
        MirrorgateConfig cur = ConfigLoader.load(current);
        Path log = fx.write("access.log", mixedLog(10, 10));
        try (StateStore running = StateStore.open(cur.store(), new Index(cur.mirrors(), System::currentTimeMillis))) {
            assertThatThrownBy(() -> replay(current, LogFormat.AUTO, log))
                    .isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("a running mirrorgate holds it: stop it, or copy the state directory");
        }
    }

    @Test
    void aMirrorOnlyTheNewConfigDeclaresHoldsNothingAndAnAbsentOneTakesNothing() throws IOException {
        // the new config drops de2 and adds de3 (never scanned): Berlin goes all to de1
        Path proposed = dir.resolve("new.yaml");
        java.nio.file.Files.writeString(proposed, java.nio.file.Files.readString(current)
                .replace("name: de2, http-url: \"http://de2", "name: de3, http-url: \"http://de3"));
        ReplayReport r = replay(proposed, LogFormat.AUTO, fx.write("access.log", mixedLog(600, 0)));
        assertThat(target(r, "de1").proposed().requests()).isEqualTo(600);
        assertThat(target(r, "de3").proposed().requests()).isZero();
        assertThat(target(r, "de2").proposed().requests()).isZero();
        assertThat(target(r, "de2").current().requests()).isPositive();
    }
}
