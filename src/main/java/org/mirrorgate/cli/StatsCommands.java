package org.mirrorgate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.mirrorgate.stats.ByteSizes;
import org.mirrorgate.api.v1.FileStats;
import org.mirrorgate.api.v1.GetStatsRequest;
import org.mirrorgate.api.v1.GetStatsResponse;
import org.mirrorgate.api.v1.StatsDimension;
import org.mirrorgate.api.v1.StatsGranularity;
import org.mirrorgate.api.v1.StatsPoint;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code stats mirror NAME | file GLOB | country CC}: the download counters over a range of UTC
 * days, per day, month or year, as aligned tables with human sizes, or {@code --json}. Dates are
 * parsed and checked by the service (one parser for every client), which answers with what to do.
 */
@Command(name = "stats", mixinStandardHelpOptions = true, description = {"Download statistics per mirror, file or country (UTC days).",
        "Repeated requests of one client for one file within downloads.same-download-interval count once."},
        subcommands = {StatsCommands.Mirror.class, StatsCommands.File.class, StatsCommands.Country.class})
final class StatsCommands implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** {@code stats} alone: what to ask. */
    @Override
    public Integer call() {
        spec.commandLine().getErr().println("mirrorgate stats: which statistics? (expected: stats mirror NAME,"
                + " stats file GLOB or stats country CC; see stats --help)");
        return 2;
    }

    /** The options every statistics question takes. */
    abstract static class Query extends AdminCommands.Base {
        @Option(names = "--from", defaultValue = "", description = "first day: YYYY-MM-DD, YYYY-MM, YYYY, today,"
                + " yesterday (default: 29 days before --to)")
        String from;

        @Option(names = "--to", defaultValue = "", description = "last day, same forms; a month or year means its"
                + " last day (default: today)")
        String to;

        @Option(names = "--by", description = "day, month or year (default: the finest the range and the retention"
                + " allow)")
        String by;

        @Option(names = "--json", description = "the answer as JSON, for scripts")
        boolean json;

        abstract StatsDimension dimension();

        abstract String name();

        GetStatsRequest.Builder request() {
            return GetStatsRequest.newBuilder().setDimension(dimension()).setName(name()).setFrom(from).setTo(to)
                    .setGranularity(granularity());
        }

        private StatsGranularity granularity() {
            if (by == null) {
                return StatsGranularity.STATS_GRANULARITY_UNSPECIFIED;
            }
            return switch (by.toLowerCase(Locale.ROOT)) {
                case "day" -> StatsGranularity.STATS_DAY;
                case "month" -> StatsGranularity.STATS_MONTH;
                case "year" -> StatsGranularity.STATS_YEAR;
                default -> throw new CommandLine.ParameterException(spec.commandLine(), "--by " + by
                        + ": not a period (expected: day, month or year)");
            };
        }

        @Override
        void run() throws Exception {
            GetStatsRequest req = request().build(); // a bad --by fails here, before any call
            GetStatsResponse r = client.admin().getStats(req);
            if (json) {
                out().println(JSON.writeValueAsString(json(r)));
            } else {
                print(r);
            }
        }

        abstract void print(GetStatsResponse r);

        String what() {
            return dimension().name().substring("STATS_".length()).toLowerCase(Locale.ROOT) + " " + name();
        }

        String range(GetStatsResponse r) {
            return r.getFrom() + " .. " + r.getTo() + " (UTC), per " + period(r.getGranularity());
        }

        /** The per-period table with a total row; bytes shown when the dimension keeps them. */
        void printSeries(GetStatsResponse r, boolean bytes) {
            PrintWriter o = out();
            String head = period(r.getGranularity()).toUpperCase(Locale.ROOT);
            int width = Math.max(10, Long.toString(r.getTotalRequests()).length());
            String row = "%-10s  %" + width + "s" + (bytes ? "  %10s" : "%s") + "%n";
            o.printf(row, head, "DOWNLOADS", bytes ? "BYTES" : "");
            for (StatsPoint p : r.getPointsList()) {
                o.printf(row, label(p.getPeriod(), r.getGranularity()), p.getRequests(),
                        bytes ? ByteSizes.human(p.getBytes()) : "");
            }
            o.printf(row, "TOTAL", r.getTotalRequests(), bytes ? ByteSizes.human(r.getTotalBytes()) : "");
        }

        private ObjectNode json(GetStatsResponse r) {
            ObjectNode o = JSON.createObjectNode();
            o.put("dimension", dimension().name().substring("STATS_".length()).toLowerCase(Locale.ROOT));
            o.put("name", name());
            o.put("from", r.getFrom());
            o.put("to", r.getTo());
            o.put("granularity", period(r.getGranularity()));
            ArrayNode points = o.putArray("points");
            for (StatsPoint p : r.getPointsList()) {
                points.addObject().put("period", p.getPeriod()).put("requests", p.getRequests())
                        .put("bytes", p.getBytes());
            }
            o.putObject("total").put("requests", r.getTotalRequests()).put("bytes", r.getTotalBytes());
            if (dimension() == StatsDimension.STATS_FILE) {
                ArrayNode files = o.putArray("files");
                for (FileStats f : r.getFilesList()) {
                    files.addObject().put("path", f.getPath()).put("requests", f.getRequests()).put("bytes", f.getBytes());
                }
                o.put("files_matched", r.getFilesMatched());
            }
            return o;
        }
    }

    static String period(StatsGranularity g) {
        return switch (g) {
            case STATS_MONTH -> "month";
            case STATS_YEAR -> "year";
            default -> "day";
        };
    }

    /** 2026-12-03, 2026-12 or 2026. */
    static String label(String period, StatsGranularity g) {
        return switch (g) {
            case STATS_MONTH -> period.substring(0, 7);
            case STATS_YEAR -> period.substring(0, 4);
            default -> period;
        };
    }

    @Command(name = "mirror", mixinStandardHelpOptions = true, description = "Downloads and bytes sent to one mirror (or fallback, or \"(local)\""
            + " for files Nginx served itself); a removed mirror's statistics stay.")
    static final class Mirror extends Query {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        StatsDimension dimension() {
            return StatsDimension.STATS_MIRROR;
        }

        @Override
        String name() {
            return name;
        }

        @Override
        void print(GetStatsResponse r) {
            out().printf("%s, %s%n", what(), range(r));
            printSeries(r, true);
            if (r.getTotalRequests() == 0) {
                out().printf("no downloads counted for %s in this range%n", what());
            }
        }
    }

    @Command(name = "country", mixinStandardHelpOptions = true, description = "Downloads by clients of one country (ISO code such as DE; -- for"
            + " clients GeoIP did not place).")
    static final class Country extends Query {
        @Parameters(paramLabel = "CC")
        String country;

        @Override
        StatsDimension dimension() {
            return StatsDimension.STATS_COUNTRY;
        }

        @Override
        String name() {
            return country;
        }

        @Override
        String what() {
            return "country " + country.toUpperCase(Locale.ROOT); // as the service counts it
        }

        @Override
        void print(GetStatsResponse r) {
            out().printf("%s, %s%n", what(), range(r));
            printSeries(r, true);
            if (r.getTotalRequests() == 0) {
                out().printf("no downloads counted for %s in this range%n", what());
            }
        }
    }

    @Command(name = "file", mixinStandardHelpOptions = true, description = {"Downloads of the files matching GLOB (relative to the repository"
            + " root: * and ? within one directory, ** across, {a,b} alternatives), most downloaded first.",
            "Quote the glob so the shell does not expand it."})
    static final class File extends Query {
        @Parameters(paramLabel = "GLOB")
        String glob;

        @Option(names = "--limit", defaultValue = "100", description = "files listed at most (default: ${DEFAULT-VALUE})")
        int limit;

        @Override
        StatsDimension dimension() {
            return StatsDimension.STATS_FILE;
        }

        @Override
        String name() {
            return glob;
        }

        @Override
        GetStatsRequest.Builder request() {
            if (limit < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--limit " + limit
                        + ": (expected: at least 1)");
            }
            return super.request().setLimit(limit);
        }

        @Override
        void print(GetStatsResponse r) {
            PrintWriter o = out();
            o.printf("files matching '%s', %s%n", glob, range(r).replaceFirst(", per .*", ""));
            if (r.getFilesMatched() == 0) {
                o.printf("no downloads of files matching '%s' in this range%n", glob);
                return;
            }
            int width = "FILE".length();
            for (FileStats f : r.getFilesList()) {
                width = Math.max(width, f.getPath().length());
            }
            String row = "%-" + width + "s  %10s  %10s%n";
            o.printf(row, "FILE", "DOWNLOADS", "BYTES");
            for (FileStats f : r.getFilesList()) {
                o.printf(row, f.getPath(), f.getRequests(), f.getBytes() == 0 ? "-" : ByteSizes.human(f.getBytes()));
            }
            o.printf(row, "TOTAL", r.getTotalRequests(), "");
            if (r.getFilesMatched() > r.getFilesCount()) {
                o.printf("%d more files matched (see --limit)%n", r.getFilesMatched() - r.getFilesCount());
            }
        }
    }
}
