package org.mirrorgate.stats;

import static java.util.Objects.requireNonNull;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads download statistics: totals over a range of days, series per day, month or year, and
 * breakdowns of one period (every mirror, file or country). For the admin API.
 *
 * <p>A range is summed from the coarsest counters that cover it exactly: whole years from yearly
 * counters, whole months from monthly ones, the rest from daily ones. So a range older than the
 * daily retention is still answered when it is made of whole months (or years); days outside the
 * retention and not in such a whole period count as 0.
 */
public final class DownloadStats {

    /** Name under which downloads served locally (no mirror) are counted per mirror. */
    public static final String LOCAL = "(local)";
    /** Name under which downloads from clients of unknown country are counted. */
    public static final String UNKNOWN_COUNTRY = "--";

    /**
     * What downloads are counted by. {@code LIST} is no download: requests for mirror lists, by
     * kind ("apt"), so a client's {@code apt update} through the mirror method is seen (requests only).
     */
    public enum Dimension { TOTAL, MIRROR, FILE, COUNTRY, LIST }

    public enum Granularity { DAY, MONTH, YEAR }

    /** Requests and bytes; bytes are 0 for {@link Dimension#FILE} (not kept: requests times size) and LIST. */
    public record Counts(long requests, long bytes) {
        public static final Counts ZERO = new Counts(0, 0);

        Counts plus(long r, long b) {
            return new Counts(requests + r, bytes + b);
        }
    }

    /** One period of a series: the day, the first day of the month, or January 1st of the year. */
    public record Point(LocalDate period, Counts counts) {}

    private final CounterStore store;

    public DownloadStats(CounterStore store) {
        this.store = requireNonNull(store, "store");
    }

    public Counts total(LocalDate from, LocalDate to) {
        return sum(Dimension.TOTAL, "", from, to);
    }

    public Counts mirror(String mirror, LocalDate from, LocalDate to) {
        return sum(Dimension.MIRROR, mirror, from, to);
    }

    public Counts file(String path, LocalDate from, LocalDate to) {
        return sum(Dimension.FILE, path, from, to);
    }

    public Counts country(String countryCode, LocalDate from, LocalDate to) {
        return sum(Dimension.COUNTRY, countryCode, from, to);
    }

    /** Requests for mirror lists of {@code kind} ("apt"); bytes are 0. */
    public Counts lists(String kind, LocalDate from, LocalDate to) {
        return sum(Dimension.LIST, kind, from, to);
    }

    /** Downloads of {@code name} from {@code from} to {@code to}, both included. */
    public Counts sum(Dimension d, String name, LocalDate from, LocalDate to) {
        List<String> keys = new ArrayList<>();
        for (LocalDate c = from; !c.isAfter(to); ) {
            Granularity g = c.getDayOfYear() == 1 && !c.plusYears(1).minusDays(1).isAfter(to) ? Granularity.YEAR
                    : c.getDayOfMonth() == 1 && !c.plusMonths(1).minusDays(1).isAfter(to) ? Granularity.MONTH
                    : Granularity.DAY;
            keys.add(StatsLayout.key(d, g, c));
            c = next(c, g);
        }
        Counts total = Counts.ZERO;
        for (Point p : read(d, name, keys, List.of())) {
            total = total.plus(p.counts.requests, p.counts.bytes);
        }
        return total;
    }

    /** One point per period from the period holding {@code from} to the one holding {@code to}. */
    public List<Point> series(Dimension d, String name, Granularity g, LocalDate from, LocalDate to) {
        List<String> keys = new ArrayList<>();
        List<LocalDate> periods = new ArrayList<>();
        for (LocalDate c = start(from, g); !c.isAfter(to); c = next(c, g)) {
            keys.add(StatsLayout.key(d, g, c));
            periods.add(c);
        }
        return read(d, name, keys, periods);
    }

    /** Every name counted in one period (the period holding {@code day}), with its counts. */
    public Map<String, Counts> breakdown(Dimension d, Granularity g, LocalDate day) {
        Map<String, Counts> out = new LinkedHashMap<>();
        store.scan(StatsLayout.key(d, g, start(day, g)), (field, value) -> {
            boolean requests = field.startsWith(StatsLayout.REQUESTS);
            String name = field.substring(2);
            Counts c = out.getOrDefault(name, Counts.ZERO);
            out.put(name, requests ? c.plus(value, 0) : c.plus(0, value));
        });
        return out;
    }

    private List<Point> read(Dimension d, String name, List<String> keys, List<LocalDate> periods) {
        List<Long> requests = store.get(keys, StatsLayout.REQUESTS + name);
        List<Long> bytes = StatsLayout.keepsBytes(d) ? store.get(keys, StatsLayout.BYTES + name) : null;
        List<Point> out = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            out.add(new Point(periods.isEmpty() ? null : periods.get(i),
                    new Counts(requests.get(i), bytes == null ? 0 : bytes.get(i))));
        }
        return out;
    }

    private static LocalDate start(LocalDate day, Granularity g) {
        return switch (g) {
            case DAY -> day;
            case MONTH -> day.withDayOfMonth(1);
            case YEAR -> day.withDayOfYear(1);
        };
    }

    private static LocalDate next(LocalDate c, Granularity g) {
        return switch (g) {
            case DAY -> c.plusDays(1);
            case MONTH -> c.plusMonths(1);
            case YEAR -> c.plusYears(1);
        };
    }
}
