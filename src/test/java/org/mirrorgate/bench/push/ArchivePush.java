package org.mirrorgate.bench.push;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code bench/archive-push.sh}: the push-day simulation as a benchmark. Prints, per policy mode, a
 * chart of the origin's share over the hours of the cycle, then one line per mode, the recommended
 * mode's last. {@code --quick}: two short cycles, five mirrors.
 */
public final class ArchivePush {

    /** The mode this project recommends; its line is printed last. */
    static final String RECOMMENDED = "trace-archive";

    private static final String TRACE_ARCHIVE = "  trace-path: " + Archive.TRACE + "\n  trace-mode: archive\n";

    private ArchivePush() {}

    /** Every mode compared; {@code minutes} is allow-outdated's window on the compressed clock. */
    static List<ModeRun.Mode> modes() {
        return List.of(
                new ModeRun.Mode("strict", "", "  trace-freshness: false\n", false),
                new ModeRun.Mode("allow-outdated-1m", "", "  trace-freshness: false\npolicies:\n"
                        + "  - {match: \"**\", policy: allow-outdated, minutes: 1}\n", false),
                // each mirror's own ftpsync trace (its Date: line, written after its stage 2)
                new ModeRun.Mode("trace-sync", "  trace-mode: sync-time\n", "  trace-freshness: true\n", true),
                // the archive's own trace file, copied by each mirror after its stage 2
                new ModeRun.Mode("trace-archive", TRACE_ARCHIVE, "  trace-freshness: true\n", false),
                // the same, and the release files (InRelease, Release) may be the previous version:
                // a client that gets the previous InRelease gets the previous indices by hash
                // (immutable), and their packages, from the mirrors that still hold them
                new ModeRun.Mode("trace-archive+outdated-release", TRACE_ARCHIVE, "  trace-freshness: true\npolicies:\n"
                        + "  - {match: \"dists/*/InRelease\", policy: allow-outdated, minutes: 1}\n"
                        + "  - {match: \"dists/*/Release\", policy: allow-outdated, minutes: 1}\n", false));
    }

    /**
     * Ten mirrors on four continents, syncing at staggered points of the cycle; three slow, one
     * broken (never past stage 1), one that never syncs again, and one whose slow sync starts just
     * before the next push and ends after it (issue 19's cases).
     */
    static List<MirrorNode.Spec> fullMirrors() {
        return List.of(
                new MirrorNode.Spec("nl1", "NL", "EU", 52.37, 4.90, MirrorNode.NEVER, 0, false),
                new MirrorNode.Spec("se1", "SE", "EU", 59.33, 18.07, 0.97, 8, false),
                new MirrorNode.Spec("de1", "DE", "EU", 50.11, 8.68, 0.05, 0, false),
                new MirrorNode.Spec("us1", "US", "NA", 40.71, -74.01, 0.10, 0, false),
                new MirrorNode.Spec("fr1", "FR", "EU", 45.76, 4.84, 0.15, 0, false),
                new MirrorNode.Spec("br1", "BR", "SA", -22.91, -43.17, 0.20, 0, true),
                new MirrorNode.Spec("gb1", "GB", "EU", 53.48, -2.24, 0.30, 0, false),
                new MirrorNode.Spec("jp1", "JP", "AS", 35.68, 139.76, 0.35, 0, false),
                new MirrorNode.Spec("de2", "DE", "EU", 53.55, 9.99, 0.45, 8, false),
                new MirrorNode.Spec("us2", "US", "NA", 37.77, -122.42, 0.70, 8, false));
    }

    /** Five mirrors: one per continent but two in Europe, one slow, one broken. */
    static List<MirrorNode.Spec> quickMirrors() {
        return List.of(
                new MirrorNode.Spec("de1", "DE", "EU", 50.11, 8.68, 0.05, 0, false),
                new MirrorNode.Spec("us1", "US", "NA", 40.71, -74.01, 0.15, 0, false),
                new MirrorNode.Spec("br1", "BR", "SA", -22.91, -43.17, 0.20, 0, true),
                new MirrorNode.Spec("fr1", "FR", "EU", 45.76, 4.84, 0.30, 8, false),
                new MirrorNode.Spec("jp1", "JP", "AS", 35.68, 139.76, 0.50, 0, false));
    }

    static PushSimulation.Settings quick() {
        return new PushSimulation.Settings(2, 75_000, quickMirrors(), 300, 30, 2, 12);
    }

    static PushSimulation.Settings full() {
        return new PushSimulation.Settings(3, 240_000, fullMirrors(), 600, 60, 2, 12);
    }

    /** The report: charts, then one line per mode, the recommended one last. */
    static void report(List<Tally> tallies, PrintStream out) {
        List<Tally> ordered = new ArrayList<>();
        tallies.stream().filter(t -> !t.mode.equals(RECOMMENDED)).forEach(ordered::add);
        tallies.stream().filter(t -> t.mode.equals(RECOMMENDED)).forEach(ordered::add);
        out.println("origin share per hour of the push cycle (hour 0 starts at the push):");
        ordered.forEach(t -> out.print(t.chart()));
        ordered.forEach(t -> out.println(t.line()));
    }

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        PushSimulation.Settings s = quick ? quick() : full();
        long t0 = System.nanoTime();
        List<Tally> tallies;
        try (PushSimulation sim = new PushSimulation(s, modes(), System.err)) {
            tallies = sim.run();
        }
        System.err.printf("archive-push: %s run in %.0f s%n", quick ? "quick" : "full", (System.nanoTime() - t0) / 1e9);
        report(tallies, System.out);
        System.exit(0); // gRPC and Netty threads of the stopped services are not all daemons
    }
}
