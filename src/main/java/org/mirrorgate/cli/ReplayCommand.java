package org.mirrorgate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Console;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.mirrorgate.stats.ByteSizes;
import org.mirrorgate.config.ConfigLoader;
import org.mirrorgate.config.MirrorgateConfig;
import org.mirrorgate.replay.LogFormat;
import org.mirrorgate.replay.Replay;
import org.mirrorgate.replay.ReplayReport;
import org.mirrorgate.replay.ReplayReport.Counts;
import org.mirrorgate.store.StoreSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code replay --config new.yaml ACCESS_LOG...}: where a day of real requests would go under a
 * config change, beside where the current config sends them (docs/ranking.md, Replay). The work is
 * {@link Replay}'s; this parses options and prints.
 */
@Command(name = "replay", description = {"Replay access logs through the current config and a new one, side by side.",
        "The index is read from the service's store (offline: stop the service, or copy its state directory"
                + " and pass --store). Nothing is counted or written."})
final class ReplayCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", required = true, description = "the new config")
    Path proposed;

    @Option(names = "--current", paramLabel = "FILE", defaultValue = "/etc/mirrorgate/mirrorgate.yaml",
            description = "the config the service runs (default: ${DEFAULT-VALUE})")
    Path current;

    @Option(names = "--store", paramLabel = "DIR", description = "an embedded store's directory (a copy of store.path)"
            + " to read the index from (default: the current config's store)")
    Path store;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "auto", description = "auto, combined or json"
            + " (json: one object per line, mirrorgate's download log too; auto: by each file's first line)")
    LogFormat format;

    @Option(names = "--https", description = "decide as if every request came over https (the combined format does"
            + " not say which; default: http)")
    boolean https;

    @Option(names = "--by-country", description = "also show the shares per client country")
    boolean byCountry;

    @Option(names = "--json", description = "the report as JSON, for scripts")
    boolean json;

    @Parameters(paramLabel = "ACCESS_LOG", arity = "1..*", description = "Nginx access logs, oldest first; gzip or not")
    List<Path> logs;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!java.nio.file.Files.isReadable(current)) { // the loader's own message would say --config
            throw new IllegalArgumentException(current + ": cannot read the current config (the one the service"
                    + " runs); pass it with --current FILE");
        }
        MirrorgateConfig cur = ConfigLoader.load(current);
        MirrorgateConfig next = ConfigLoader.load(proposed);
        StoreSettings storeSettings = store == null ? cur.store() : cur.store().toBuilder().embedded(store).build();
        Console console = System.console();
        Replay.Progress progress = console == null ? Replay.Progress.NONE : new ProgressLine(System.err);
        long start = System.nanoTime();
        ReplayReport r = Replay.run(new Replay.Options(cur, next, storeSettings, logs, format, https, byCountry, 5),
                progress);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (console != null) {
            System.err.print("\r\033[K");
            System.err.flush();
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(JSON.writeValueAsString(json(r)));
        } else {
            text(out, r, seconds);
        }
        out.flush();
        return 0;
    }

    private void text(PrintWriter out, ReplayReport r, double seconds) {
        out.printf(Locale.ROOT, "%,d requests replayed from %,d lines in %.1f s (%s -> %s); bad lines: %,d, skipped: %,d%n",
                r.requests(), r.lines(), seconds, current.getFileName(), proposed.getFileName(), r.badLines(),
                r.skipped().values().stream().mapToLong(Long::longValue).sum());
        out.println();
        Table t = new Table("TARGET", "REQUESTS", "SHARE", "BYTES", "->", "REQUESTS", "SHARE", "BYTES", "CHANGE")
                .alignRight(1, 2, 3, 5, 6, 7, 8);
        long bytesA = r.targets().stream().mapToLong(x -> x.current().bytes()).sum();
        long bytesB = r.targets().stream().mapToLong(x -> x.proposed().bytes()).sum();
        for (ReplayReport.Target x : r.targets()) {
            row(t, name(x.kind(), x.name()), x.current(), x.proposed(), r.requests(), bytesA, bytesB);
        }
        t.print(out);
        out.println();
        ReplayReport.Outcomes a = r.current();
        ReplayReport.Outcomes b = r.proposed();
        Table o = new Table("", "CURRENT", "NEW").alignRight(1, 2);
        o.row("to a mirror", a.mirror(), b.mirror());
        o.row("to a fallback", a.fallback(), b.fallback());
        o.row("served locally", a.local(), b.local());
        o.row("not found", a.notFound(), b.notFound());
        o.row("pages", a.page(), b.page());
        o.print(out);
        out.printf(Locale.ROOT, "%,d requests (%s) go elsewhere under the new config%n", r.changed(),
                percent(r.changed(), r.requests()));
        if (byCountry && !r.countries().isEmpty()) {
            out.println();
            Table c = new Table("COUNTRY", "TARGET", "REQUESTS", "SHARE", "->", "REQUESTS", "SHARE")
                    .alignRight(2, 3, 5, 6);
            Map<String, Long> perCountry = new TreeMap<>();
            r.countries().forEach(x -> perCountry.merge(x.country(), x.current().requests(), Long::sum));
            for (ReplayReport.CountryTarget x : r.countries()) {
                if (x.current().requests() == 0 && x.proposed().requests() == 0) {
                    continue;
                }
                long n = perCountry.get(x.country());
                c.row(x.country(), name(x.kind(), x.name()), x.current().requests(), percent(x.current().requests(), n),
                        "", x.proposed().requests(), percent(x.proposed().requests(), n));
            }
            c.print(out);
        }
        if (!r.skipped().isEmpty()) {
            out.println();
            out.println("skipped (not replayed):");
            new TreeMap<>(r.skipped()).forEach((reason, n) -> out.printf(Locale.ROOT, "  %,d %s%n", n, reason));
        }
        if (r.badLines() > 0) {
            out.println();
            out.printf(Locale.ROOT, "bad lines: %,d; the first ones:%n", r.badLines());
            r.badSamples().forEach(s -> out.println("  " + s));
        }
        r.notes().forEach(n -> out.println("note: " + n));
    }

    private static void row(Table t, String name, Counts a, Counts b, long requests, long bytesA, long bytesB) {
        double change = requests == 0 ? 0 : 100.0 * (b.requests() - a.requests()) / requests;
        t.row(name, a.requests(), percent(a.requests(), requests), ByteSizes.human(a.bytes()) + " " + percent(a.bytes(),
                bytesA), "", b.requests(), percent(b.requests(), requests), ByteSizes.human(b.bytes()) + " "
                + percent(b.bytes(), bytesB), String.format(Locale.ROOT, "%+.1f", change));
    }

    static String name(ReplayReport.Kind kind, String name) {
        return switch (kind) {
            case MIRROR -> name;
            case FALLBACK -> name + " (fallback)";
            case LOCAL -> "(served locally)";
            case NOT_FOUND -> "(not found)";
            case PAGE -> "(pages)";
        };
    }

    static String percent(long part, long whole) {
        return whole == 0 ? "-" : String.format(Locale.ROOT, "%.1f %%", 100.0 * part / whole);
    }

    private static ObjectNode json(ReplayReport r) {
        ObjectNode root = JSON.createObjectNode();
        root.put("lines", r.lines());
        root.put("requests", r.requests());
        root.put("bad_lines", r.badLines());
        root.put("empty_lines", r.emptyLines());
        r.badSamples().forEach(root.putArray("bad_samples")::add);
        ObjectNode skipped = root.putObject("skipped");
        new TreeMap<>(r.skipped()).forEach(skipped::put);
        root.put("changed", r.changed());
        outcomes(root.putObject("current"), r.current());
        outcomes(root.putObject("new"), r.proposed());
        ArrayNode targets = root.putArray("targets");
        for (ReplayReport.Target x : r.targets()) {
            ObjectNode n = targets.addObject();
            n.put("name", x.name());
            n.put("kind", x.kind().name().toLowerCase(Locale.ROOT));
            counts(n.putObject("current"), x.current());
            counts(n.putObject("new"), x.proposed());
        }
        ArrayNode countries = root.putArray("countries");
        for (ReplayReport.CountryTarget x : r.countries()) {
            ObjectNode n = countries.addObject();
            n.put("country", x.country());
            n.put("name", x.name());
            n.put("kind", x.kind().name().toLowerCase(Locale.ROOT));
            counts(n.putObject("current"), x.current());
            counts(n.putObject("new"), x.proposed());
        }
        r.notes().forEach(root.putArray("notes")::add);
        return root;
    }

    private static void counts(ObjectNode n, Counts c) {
        n.put("requests", c.requests());
        n.put("bytes", c.bytes());
    }

    private static void outcomes(ObjectNode n, ReplayReport.Outcomes o) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("mirror", o.mirror());
        m.put("fallback", o.fallback());
        m.put("local", o.local());
        m.put("not_found", o.notFound());
        m.put("page", o.page());
        m.forEach(n::put);
    }

    /** One line on a terminal, rewritten in place: done, lines, rate. */
    private static final class ProgressLine implements Replay.Progress {
        private final java.io.PrintStream err;
        /** The rate counts from the first batch: the store's restore before it is no replay. */
        private long start;
        private long startLines;
        private long lastPrint;

        ProgressLine(java.io.PrintStream err) {
            this.err = err;
        }

        @Override
        public void update(long lines, long bytesRead, long bytesTotal) {
            long now = System.nanoTime();
            if (start == 0) {
                start = now;
                startLines = lines;
            }
            if (now - lastPrint < 200_000_000L) {
                return;
            }
            lastPrint = now;
            double seconds = Math.max(1e-3, (now - start) / 1e9);
            int width = 30;
            int filled = bytesTotal == 0 ? width : (int) Math.min(width, width * bytesRead / bytesTotal);
            err.printf(Locale.ROOT, "\r[%s%s] %5.1f %% %,d lines, %,.0f lines/s\033[K", "#".repeat(filled),
                    " ".repeat(width - filled), bytesTotal == 0 ? 100.0 : 100.0 * bytesRead / bytesTotal, lines,
                    (lines - startLines) / seconds);
            err.flush();
        }
    }
}
