package org.mirrorgate.bench.push;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The push-day simulation in the test command, in the benchmark's {@code --quick} form: real nginx
 * + hook + service per policy mode, real rsync daemons and syncs, two pushes on a compressed clock
 * (a 6-hour cycle in 75 s), five mirrors (one slow, one broken), apt-like clients checking every
 * byte. It asserts the goals of issue 12 point 4: mismatched = 0 and stale_404 = 0 in every mode,
 * and an origin share of at most 0.05 in the recommended mode.
 */
class ArchivePushIT {

    static Map<String, Tally> tallies;
    static String report;

    @BeforeAll
    @Timeout(300)
    static void simulate() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.exists(
                java.nio.file.Path.of("/usr/share/nginx/modules/ngx_http_lua_module.so")),
                "needs nginx and libnginx-mod-http-lua (deploy/test.sh installs them)");
        PushSimulation.Settings settings = ArchivePush.quick(); // the benchmark's --quick form
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        List<Tally> result;
        try (PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
                PushSimulation sim = new PushSimulation(settings, ArchivePush.modes(), out)) {
            result = sim.run();
        }
        ByteArrayOutputStream r = new ByteArrayOutputStream();
        ArchivePush.report(result, new PrintStream(r, true, StandardCharsets.UTF_8));
        report = log.toString(StandardCharsets.UTF_8) + r.toString(StandardCharsets.UTF_8);
        System.out.println(report);
        tallies = result.stream().collect(Collectors.toMap(t -> t.mode, Function.identity()));
    }

    @Test
    void everyModeServedTheClientsThroughTheHookWithoutErrors() {
        assertThat(tallies).containsOnlyKeys(ArchivePush.modes().stream().map(ModeRun.Mode::name).toList());
        for (Tally t : tallies.values()) {
            assertThat(t.requests.get()).as(report).isGreaterThan(500);
            assertThat(t.errors.get()).as(report).isZero();
            // mirrors served downloads: the redirect path really ran
            assertThat(t.origin.get()).as(report).isLessThan(t.requests.get());
        }
    }

    @Test
    void noModeServesBytesTheMetadataDoesNotName() {
        for (Tally t : tallies.values()) {
            assertThat(t.mismatched.get()).as(t.mode + "\n" + report).isZero();
        }
    }

    @Test
    void noFileNamedByMetadataWithinTheGraceGets404WhileSomeServerHoldsIt() {
        for (Tally t : tallies.values()) {
            assertThat(t.stale404.get()).as(t.mode + "\n" + report).isZero();
        }
    }

    @Test
    void theRecommendedModeKeepsTheOriginShareAtMostFivePercent() {
        assertThat(tallies.get(ArchivePush.RECOMMENDED).originShare()).as(report).isLessThanOrEqualTo(0.05);
    }
}
