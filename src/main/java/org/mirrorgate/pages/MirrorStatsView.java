package org.mirrorgate.pages;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.net.URI;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mirrorgate.stats.ByteSizes;
import org.mirrorgate.index.Availability;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.mirror.MirrorSpec;
import org.mirrorgate.mirror.MirrorState;
import org.mirrorgate.mirror.ProtocolHealth;
import org.mirrorgate.stats.DownloadStats.Counts;
import org.mirrorgate.stats.DownloadTotals;

/**
 * What {@code ?mirrorstats} shows, as plain values: every mirror's state per protocol, its last
 * scan, its trace (sync lag), what it holds, its downloads today and this month (from the {@link
 * DownloadTotals} snapshot, whose age is shown), capacity and score. The HTML and the JSON are both
 * drawn from this. Fields marked {@link JsonIgnore} are formatted for people only; the JSON carries
 * the raw numbers next to them. Strings are raw here; the template engine escapes them.
 */
record MirrorStatsView(String generated, Totals totals, Summary summary, List<Row> mirrors) {

    /**
     * @param takenAt when the download counters were read ("" = not yet); {@code ageSeconds} -1 then
     * @param day the UTC day "today" counts; {@code month} its month (YYYY-MM)
     */
    record Totals(String takenAt, long ageSeconds, @JsonIgnore String age, String day, String month) {}

    record Summary(int mirrors, int up, int down, int disabled, long todayRequests, long monthRequests,
            @JsonIgnore String todayBytes, @JsonIgnore String monthBytes) {}

    /**
     * One protocol of a mirror.
     *
     * @param status up, down, unknown (never probed), or "not offered" (no URL for it)
     * @param since when it changed to that status ("" = never probed); @param reason why down, else ""
     */
    record Protocol(String scheme, String url, String status, String since, Long sinceSeconds,
            @JsonIgnore String sinceAge, String reason) {}

    /** @param state up, partly down, down, unknown or disabled */
    record Row(String name, String state, boolean enabled, String country, String continent, List<Protocol> protocols,
            String lastScan, Long lastScanAgeSeconds, @JsonIgnore String lastScanAge, String traceSync,
            Long syncLagSeconds, @JsonIgnore String syncLag, long filesHeld, long filesOutdated, double coverage,
            @JsonIgnore String coveragePercent, long todayRequests, long todayBytes, @JsonIgnore String todayHuman,
            long monthRequests, long monthBytes, @JsonIgnore String monthHuman, double capacity, int score,
            double maxMbps, Sponsor sponsor) {}

    /**
     * A mirror's sponsor as the public pages show it: a name (the link's host when only a link is
     * declared) and the sponsor's page, or null. Its logo is in the JSON only: the HTML page loads
     * nothing from elsewhere.
     */
    record Sponsor(String name, String url, String logo) {
        static Sponsor of(MirrorSpec spec) {
            MirrorSpec.About a = spec.about();
            if (!a.hasSponsor()) {
                return null;
            }
            return new Sponsor(a.sponsorName().isEmpty() ? a.sponsorUrl().getHost() : a.sponsorName(),
                    a.sponsorUrl() == null ? null : a.sponsorUrl().toString(),
                    a.sponsorLogo() == null ? null : a.sponsorLogo().toString());
        }
    }

    static MirrorStatsView of(IndexSnapshot snap, DownloadTotals.Snapshot totals, Instant now) {
        long nowMillis = now.toEpochMilli();
        List<Row> rows = new ArrayList<>(snap.mirrorCount());
        int up = 0;
        int down = 0;
        int disabled = 0;
        long todayReq = 0;
        long todayBytes = 0;
        long monthReq = 0;
        long monthBytes = 0;
        for (int m = 0; m < snap.mirrorCount(); m++) {
            MirrorSpec spec = snap.spec(m);
            MirrorState st = snap.state(m);
            Availability a = snap.availability(m);
            List<Protocol> protocols = List.of(protocol("http", spec.httpUrl(), st.http(), nowMillis),
                    protocol("https", spec.httpsUrl(), st.https(), nowMillis));
            String state = state(spec, st);
            switch (state) {
                case "up" -> up++;
                case "down" -> down++;
                case "disabled" -> disabled++;
                default -> { }
            }
            Counts today = totals.today(spec.name());
            Counts month = totals.month(spec.name());
            todayReq += today.requests();
            todayBytes += today.bytes();
            monthReq += month.requests();
            monthBytes += month.bytes();
            long scanned = st.lastScanMillis() > 0 ? st.lastScanMillis() : a.scannedAtMillis();
            long trace = st.traceSyncMillis();
            rows.add(new Row(spec.name(), state, st.enabled(), spec.primaryCountry(), spec.continent(), protocols,
                    time(scanned), age(scanned, nowMillis), ageText(scanned, nowMillis), time(trace),
                    age(trace, nowMillis), ageText(trace, nowMillis), a.matchingCount(), a.outdatedCount(),
                    a.coverage(), String.format(Locale.ROOT, "%.1f%%", a.coverage() * 100), today.requests(),
                    today.bytes(), ByteSizes.human(today.bytes()), month.requests(), month.bytes(),
                    ByteSizes.human(month.bytes()), spec.capacity(), spec.score(), spec.maxMbps(), Sponsor.of(spec)));
        }
        long taken = totals.takenAtMillis();
        Totals t = new Totals(time(taken), taken == 0 ? -1 : Math.max(0, (nowMillis - taken) / 1000),
                taken == 0 ? "not read yet" : ageText(taken, nowMillis) + " ago", totals.day().toString(),
                totals.day().toString().substring(0, 7));
        return new MirrorStatsView(time(nowMillis), t, new Summary(rows.size(), up, down, disabled, todayReq, monthReq,
                ByteSizes.human(todayBytes), ByteSizes.human(monthBytes)), List.copyOf(rows));
    }

    private static Protocol protocol(String scheme, URI url, ProtocolHealth h, long nowMillis) {
        if (url == null) {
            return new Protocol(scheme, "", "not offered", "", null, "", "");
        }
        String status = h.status().name().toLowerCase(Locale.ROOT);
        return new Protocol(scheme, url.toString(), status, time(h.sinceMillis()), age(h.sinceMillis(), nowMillis),
                h.sinceMillis() == 0 ? "" : "since " + ageText(h.sinceMillis(), nowMillis) + " ago", h.reason());
    }

    /** up, partly down, down, unknown (nothing offered or never probed) or disabled: one word for the mirror. */
    static String state(MirrorSpec spec, MirrorState st) {
        if (!st.enabled()) {
            return "disabled";
        }
        int offered = 0;
        int down = 0;
        int up = 0;
        for (ProtocolHealth h : new ProtocolHealth[] {spec.httpUrl() == null ? null : st.http(),
                spec.httpsUrl() == null ? null : st.https()}) {
            if (h != null) {
                offered++;
                down += h.status() == ProtocolHealth.Status.DOWN ? 1 : 0;
                up += h.status() == ProtocolHealth.Status.UP ? 1 : 0;
            }
        }
        return offered > 0 && down == offered ? "down" : down > 0 ? "partly down" : offered > 0 && up == offered ? "up"
                : "unknown";
    }

    /** ISO-8601 to the second, "" for 0 (never). */
    static String time(long millis) {
        return millis == 0 ? "" : Instant.ofEpochMilli(millis).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static Long age(long millis, long nowMillis) {
        return millis == 0 ? null : Math.max(0, (nowMillis - millis) / 1000);
    }

    /** "never", "45 s", "12 min", "3 h 20 min", "4 d 2 h". */
    static String ageText(long millis, long nowMillis) {
        if (millis == 0) {
            return "never";
        }
        long s = Math.max(0, (nowMillis - millis) / 1000);
        if (s < 60) {
            return s + " s";
        }
        long min = s / 60;
        if (min < 60) {
            return min + " min";
        }
        long h = min / 60;
        if (h < 48) {
            return h + " h " + min % 60 + " min";
        }
        return h / 24 + " d " + h % 24 + " h";
    }
}
