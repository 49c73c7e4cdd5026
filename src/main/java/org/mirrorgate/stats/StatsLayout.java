package org.mirrorgate.stats;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * How counters are laid out: one hash per dimension and period ({@code mirror:d:2025-06-01},
 * {@code file:m:2025-06}, {@code total:y:2025}), with fields {@code r|<name>} (requests) and
 * {@code b|<name>} (bytes; not kept per file, where it is requests times the size). Mirror-list
 * requests are counted apart from downloads, in {@code list:d:2025-06-01} with {@code r|apt}. Days are UTC.
 *
 * <p>Daily hashes expire after the retention (Mirrorbits' never do, #146); monthly ones after their
 * own retention when one is set; yearly ones are kept.
 */
final class StatsLayout {

    static final String REQUESTS = "r|";
    static final String BYTES = "b|";

    private StatsLayout() {}

    static String key(DownloadStats.Dimension d, DownloadStats.Granularity g, LocalDate period) {
        String name = d.name().toLowerCase(java.util.Locale.ROOT);
        return switch (g) {
            case DAY -> name + ":d:" + period.format(DateTimeFormatter.ISO_LOCAL_DATE);
            case MONTH -> name + ":m:" + String.format("%04d-%02d", period.getYear(), period.getMonthValue());
            case YEAR -> name + ":y:" + String.format("%04d", period.getYear());
        };
    }

    /** Whether byte counts are kept for this dimension. */
    static boolean keepsBytes(DownloadStats.Dimension d) {
        return d != DownloadStats.Dimension.FILE && d != DownloadStats.Dimension.LIST;
    }

    /**
     * When the hash for {@code period} at granularity {@code g} expires (epoch millis), 0 = never.
     *
     * @param dailyRetentionDays days a daily hash is kept after its day ends (> 0)
     * @param monthlyRetentionMonths months a monthly hash is kept after its month ends; 0 = forever
     */
    static long expireAt(DownloadStats.Granularity g, LocalDate period, int dailyRetentionDays,
            int monthlyRetentionMonths) {
        return switch (g) {
            case DAY -> millis(period.plusDays(1 + (long) dailyRetentionDays));
            case MONTH -> monthlyRetentionMonths == 0 ? 0
                    : millis(period.withDayOfMonth(1).plusMonths(1 + (long) monthlyRetentionMonths));
            case YEAR -> 0;
        };
    }

    private static long millis(LocalDate day) {
        return day.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }
}
