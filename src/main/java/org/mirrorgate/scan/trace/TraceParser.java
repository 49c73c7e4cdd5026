package org.mirrorgate.scan.trace;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Reads the timestamps of a mirror trace file, in the forms distributions write (the end of the
 * sync, and where the format has it its start):
 *
 * <ul>
 *   <li>ftpsync (Debian, Ubuntu ...): a {@code Date: Mon, 22 Apr 2024 20:24:33 +0000} line, else a
 *       first line in {@code date} format, {@code Mon Apr 22 20:24:33 UTC 2024};
 *   <li>Arch's {@code lastsync}, Mirrorbits' convention: the first token is epoch seconds;
 *   <li>an ISO-8601 instant, {@code 2024-04-22T20:24:33Z}.
 * </ul>
 */
final class TraceParser {

    private static final Pattern EPOCH = Pattern.compile("\\d{9,11}");
    private static final DateTimeFormatter DATE_CMD =
            DateTimeFormatter.ofPattern("EEE MMM d HH:mm:ss 'UTC' yyyy", Locale.ROOT);

    private TraceParser() {}

    /**
     * When the sync began, from ftpsync's {@code Date-Started:} line (RFC 1123), or empty when the
     * trace has none (older ftpsync, other formats): the one time a sync-time trace can prove
     * anything by, since files changed upstream before it were in place when the sync listed them.
     */
    static OptionalLong started(List<String> lines) {
        return rfc1123Field(lines, "Date-Started:");
    }

    private static OptionalLong rfc1123Field(List<String> lines, String field) {
        for (String line : lines) {
            if (line.regionMatches(true, 0, field, 0, field.length())) {
                try {
                    return OptionalLong.of(OffsetDateTime.parse(line.substring(field.length()).trim(),
                            DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli());
                } catch (DateTimeParseException e) {
                    return OptionalLong.empty();
                }
            }
        }
        return OptionalLong.empty();
    }

    /** The sync's end (epoch millis), or empty when no line has a recognised timestamp. */
    static OptionalLong parse(List<String> lines) {
        for (String line : lines) {
            if (line.regionMatches(true, 0, "Date:", 0, 5)) {
                try {
                    return OptionalLong.of(OffsetDateTime.parse(line.substring(5).trim(),
                            DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli());
                } catch (DateTimeParseException e) {
                    // try the other forms
                }
            }
        }
        if (lines.isEmpty()) {
            return OptionalLong.empty();
        }
        String first = lines.get(0).trim();
        String token = first.isEmpty() ? "" : first.split("\\s+", 2)[0];
        if (EPOCH.matcher(token).matches()) {
            return OptionalLong.of(Long.parseLong(token) * 1000);
        }
        try {
            return OptionalLong.of(Instant.parse(token).toEpochMilli());
        } catch (DateTimeParseException e) {
            // not ISO
        }
        try {
            return OptionalLong.of(LocalDateTime.parse(first.replaceAll("\\s+", " "), DATE_CMD)
                    .toInstant(ZoneOffset.UTC).toEpochMilli());
        } catch (DateTimeParseException e) {
            return OptionalLong.empty();
        }
    }
}
