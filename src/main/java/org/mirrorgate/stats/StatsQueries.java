package org.mirrorgate.stats;

import static java.util.Objects.requireNonNull;

import java.nio.file.FileSystems;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.mirrorgate.stats.DownloadStats.Counts;
import org.mirrorgate.stats.DownloadStats.Dimension;
import org.mirrorgate.stats.DownloadStats.Granularity;
import org.mirrorgate.stats.DownloadStats.Point;

/**
 * The operator's statistics questions (per mirror, per file glob, per country, over a range of
 * days, per day, month or year) answered from {@link DownloadStats} within what the retention
 * keeps. A range is widened to whole periods of the granularity (a month from its first day), and
 * the answer says so, rather than summing edge days whose daily counters may have expired.
 *
 * <p>Bounded: at most {@value #MAX_POINTS} periods per answer; a file glob reads one stored hash
 * per period (the files downloaded in it) and keeps one counter per matching file.
 */
public final class StatsQueries {

    static final int MAX_POINTS = 400;
    private static final Pattern COUNTRY = Pattern.compile("[A-Z]{2}");

    /**
     * What the store keeps: {@code store.stats-retention-days} and {@code store.stats-monthly-retention-months}.
     *
     * @param monthlyMonths 0 = forever
     */
    public record Retention(int dailyDays, int monthlyMonths) {}

    /** One file's downloads over the range. */
    public record FileCount(String path, long requests) {}

    /**
     * An answer.
     *
     * @param from the first day counted (the start of the first period)
     * @param to the last day counted (the end of the last period, or today)
     * @param points one per period, oldest first
     * @param files for a file glob: the matching files, most downloaded first, at most the limit; else empty
     * @param filesMatched for a file glob: how many files matched (can exceed {@code files.size()})
     */
    public record Report(LocalDate from, LocalDate to, Granularity granularity, List<Point> points, Counts total,
            List<FileCount> files, int filesMatched) {}

    private final DownloadStats stats;
    private final Retention retention;
    private final Supplier<LocalDate> today;

    /** @param today the current UTC day */
    public StatsQueries(DownloadStats stats, Retention retention, Supplier<LocalDate> today) {
        this.stats = requireNonNull(stats, "stats");
        this.retention = requireNonNull(retention, "retention");
        this.today = requireNonNull(today, "today");
    }

    /**
     * @param known the names a download can be counted under now (mirrors, fallbacks, {@link DownloadStats#LOCAL});
     *     a name outside them is still answered when it has downloads in the range (a removed mirror's stay)
     * @param granularity null: the finest the range and the retention allow
     */
    public Report mirror(String name, Collection<String> known, String from, String to, Granularity granularity)
            throws StatsQueryException {
        if (name.isBlank()) {
            throw StatsQueryException.invalid("mirror: a name is required (see `mirrorgate mirrors`)");
        }
        Report r = series(Dimension.MIRROR, name, from, to, granularity);
        if (r.total().requests() == 0 && !known.contains(name)) {
            List<String> some = known.stream().limit(20).toList();
            throw StatsQueryException.notFound("mirror " + name + ": no such mirror or fallback, and no downloads"
                    + " counted under that name from " + r.from() + " to " + r.to() + " (known: "
                    + String.join(", ", some) + (known.size() > some.size() ? ", ..." : "") + ")");
        }
        return r;
    }

    /** @param countryCode ISO 3166-1 alpha-2, either case, or {@value DownloadStats#UNKNOWN_COUNTRY} for unknown */
    public Report country(String countryCode, String from, String to, Granularity granularity)
            throws StatsQueryException {
        String cc = countryCode.trim().toUpperCase(Locale.ROOT);
        if (!COUNTRY.matcher(cc).matches() && !cc.equals(DownloadStats.UNKNOWN_COUNTRY)) {
            throw StatsQueryException.invalid("country " + countryCode + ": not a country code (expected: two"
                    + " letters such as DE, or " + DownloadStats.UNKNOWN_COUNTRY + " for clients GeoIP did not place)");
        }
        return series(Dimension.COUNTRY, cc, from, to, granularity);
    }

    /**
     * Downloads of the files matching {@code glob} (relative to the repository root; {@code *} and
     * {@code ?} stay within one directory, {@code **} crosses them, {@code {a,b}} alternates).
     *
     * @param limit files listed at most (> 0)
     */
    public Report files(String glob, String from, String to, Granularity granularity, int limit)
            throws StatsQueryException {
        String g = glob.startsWith("/") ? glob.substring(1) : glob;
        if (g.isBlank()) {
            throw StatsQueryException.invalid("file: a path or glob is required, e.g. 'pool/main/a/apt/*' or '**.iso'");
        }
        if (!g.matches(".*[*?\\[{].*")) {
            Report r = series(Dimension.FILE, g, from, to, granularity);
            List<FileCount> one = r.total().requests() == 0 ? List.of() : List.of(new FileCount(g, r.total().requests()));
            return new Report(r.from(), r.to(), r.granularity(), r.points(), r.total(), one, one.size());
        }
        PathMatcher matcher;
        try {
            matcher = FileSystems.getDefault().getPathMatcher("glob:" + g);
        } catch (IllegalArgumentException e) {
            throw StatsQueryException.invalid("file " + glob + ": not a glob (" + e.getMessage() + ")");
        }
        Plan p = plan(from, to, granularity);
        Map<String, long[]> perFile = new HashMap<>();
        List<Point> points = new ArrayList<>(p.periods.size());
        long total = 0;
        for (LocalDate period : p.periods) {
            long inPeriod = 0;
            for (Map.Entry<String, Counts> e : stats.breakdown(Dimension.FILE, p.granularity, period).entrySet()) {
                if (matches(matcher, e.getKey())) {
                    long n = e.getValue().requests();
                    perFile.computeIfAbsent(e.getKey(), k -> new long[1])[0] += n;
                    inPeriod += n;
                }
            }
            points.add(new Point(period, new Counts(inPeriod, 0)));
            total += inPeriod;
        }
        List<FileCount> files = perFile.entrySet().stream()
                .map(e -> new FileCount(e.getKey(), e.getValue()[0]))
                .sorted(Comparator.comparingLong(FileCount::requests).reversed().thenComparing(FileCount::path))
                .limit(limit)
                .toList();
        return new Report(p.from, p.to, p.granularity, points, new Counts(total, 0), files, perFile.size());
    }

    private static boolean matches(PathMatcher matcher, String path) {
        try {
            return matcher.matches(Path.of(path));
        } catch (InvalidPathException e) {
            return false; // a name no file system path can hold was never a file of ours
        }
    }

    private Report series(Dimension d, String name, String from, String to, Granularity granularity)
            throws StatsQueryException {
        Plan p = plan(from, to, granularity);
        List<Point> points = stats.series(d, name, p.granularity, p.from, p.to);
        long r = 0;
        long b = 0;
        for (Point pt : points) {
            r += pt.counts().requests();
            b += pt.counts().bytes();
        }
        return new Report(p.from, p.to, p.granularity, points, new Counts(r, b), List.of(), 0);
    }

    private record Plan(LocalDate from, LocalDate to, Granularity granularity, List<LocalDate> periods) {}

    /** The range widened to whole periods of the granularity, checked against the retention. */
    private Plan plan(String fromText, String toText, Granularity asked) throws StatsQueryException {
        LocalDate now = today.get();
        StatsRange range = StatsRange.parse(fromText, toText, now);
        LocalDate oldestDay = now.minusDays(retention.dailyDays());
        LocalDate oldestMonth = retention.monthlyMonths() == 0 ? LocalDate.MIN
                : now.withDayOfMonth(1).minusMonths(retention.monthlyMonths());
        Granularity g = asked != null ? asked
                : !range.from().isBefore(oldestDay) && range.days() <= 62 ? Granularity.DAY
                : !range.from().isBefore(oldestMonth) && ChronoUnit.MONTHS.between(range.from().withDayOfMonth(1),
                        range.to().withDayOfMonth(1)) < 36 ? Granularity.MONTH
                : Granularity.YEAR;
        if (g == Granularity.DAY && range.from().isBefore(oldestDay)) {
            throw StatsQueryException.invalid("--by day: daily counters are kept " + retention.dailyDays()
                    + " days (store.stats-retention-days), so from " + oldestDay + " on, and --from " + range.from()
                    + " is older (ask --by month, or a later --from)");
        }
        if (g == Granularity.MONTH && range.from().withDayOfMonth(1).isBefore(oldestMonth)) {
            throw StatsQueryException.invalid("--by month: monthly counters are kept " + retention.monthlyMonths()
                    + " months (store.stats-monthly-retention-months), so from " + oldestMonth + " on, and --from "
                    + range.from() + " is older (ask --by year, or a later --from)");
        }
        LocalDate start = switch (g) {
            case DAY -> range.from();
            case MONTH -> range.from().withDayOfMonth(1);
            case YEAR -> range.from().withDayOfYear(1);
        };
        List<LocalDate> periods = new ArrayList<>();
        for (LocalDate c = start; !c.isAfter(range.to()); c = next(c, g)) {
            if (periods.size() == MAX_POINTS) {
                throw StatsQueryException.invalid("from " + range.from() + " to " + range.to() + " by "
                        + g.name().toLowerCase(Locale.ROOT) + ": more than " + MAX_POINTS + " periods (ask a"
                        + " coarser --by or a shorter range)");
            }
            periods.add(c);
        }
        LocalDate last = periods.get(periods.size() - 1);
        LocalDate end = next(last, g).minusDays(1);
        return new Plan(start, end.isAfter(now) ? now : end, g, periods);
    }

    private static LocalDate next(LocalDate c, Granularity g) {
        return switch (g) {
            case DAY -> c.plusDays(1);
            case MONTH -> c.plusMonths(1);
            case YEAR -> c.plusYears(1);
        };
    }
}
