package org.mirrorgate.replay;

import java.util.List;
import java.util.Map;

/**
 * What a replay found: where the log's requests go under the current config and under the new one.
 *
 * @param lines lines read, every kind
 * @param requests requests replayed (GET and HEAD under the url-prefix, valid)
 * @param badLines lines that are no request in the format; {@code badSamples} shows the first ones
 * @param emptyLines empty or blank lines
 * @param skipped requests read but not replayed, by reason ("method POST", "outside url-prefix /debian/")
 * @param targets where the requests went, mirrors first (by the current config's requests), then
 *     fallbacks, local serving, not found, generated pages
 * @param countries the same per client country ("--" when GeoIP does not know it); empty unless asked
 * @param current outcomes under the current config
 * @param proposed outcomes under the new config
 * @param changed requests the new config sends elsewhere (another mirror, a fallback, local serving, ...)
 * @param notes what the replay could not do as the service would (capacity without times, ...)
 */
public record ReplayReport(long lines, long requests, long badLines, long emptyLines, List<String> badSamples,
        Map<String, Long> skipped, List<Target> targets, List<CountryTarget> countries, Outcomes current,
        Outcomes proposed, long changed, List<String> notes) {

    public ReplayReport {
        badSamples = List.copyOf(badSamples);
        skipped = Map.copyOf(skipped);
        targets = List.copyOf(targets);
        countries = List.copyOf(countries);
        notes = List.copyOf(notes);
    }

    /** What kind of answer a target is. */
    public enum Kind {
        /** A redirect to a mirror. */
        MIRROR,
        /** A redirect to a fallback server: no mirror qualified. */
        FALLBACK,
        /** Served by the origin's own Nginx. */
        LOCAL,
        /** mirror-only and no mirror holds it. */
        NOT_FOUND,
        /** A generated body (mirror list, metalink, checksum). */
        PAGE
    }

    /** Requests and the bytes they stand for ({@code LogRequest#bytesOr}). */
    public record Counts(long requests, long bytes) {}

    /** @param name the mirror's or fallback's name; "" for the other kinds */
    public record Target(String name, Kind kind, Counts current, Counts proposed) {}

    public record CountryTarget(String country, String name, Kind kind, Counts current, Counts proposed) {}

    /** Requests by kind of answer under one config. */
    public record Outcomes(long mirror, long fallback, long local, long notFound, long page) {}
}
