package org.mirrorgate.replay;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * One JSON object per line (docs/ranking.md, Replay): {@code ip} (or {@code client}), {@code path}
 * (decoded, as Nginx's {@code $uri}), and optionally {@code method}, {@code query}, {@code status},
 * {@code bytes} (or {@code size}) and {@code time} (ISO-8601 with an offset, as {@code
 * $time_iso8601}, or seconds since the epoch). Other fields are not read. mirrorgate's own download
 * log is such a line ({@code client}, {@code path}, {@code size}, {@code time}), so it is read as is.
 */
final class JsonLog {

    private static final JsonFactory JSON = new JsonFactory();

    private String lastTime = "";
    private long lastTimeMillis;

    LogRequest parse(String line) throws BadLineException {
        String ip = null;
        String path = null;
        String method = "GET";
        String query = "";
        int status = 0;
        long bytes = -1;
        long time = LogRequest.NO_TIME;
        try (JsonParser p = JSON.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new BadLineException("not a JSON object");
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "ip", "client" -> ip = text(p, v, name);
                    case "path" -> path = text(p, v, name);
                    case "method" -> method = text(p, v, name);
                    case "query" -> query = text(p, v, name);
                    case "status" -> status = (int) number(p, v, name);
                    case "bytes", "size" -> bytes = number(p, v, name);
                    case "time" -> time = time(p, v);
                    default -> p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT) {
                throw new BadLineException("JSON object not closed");
            }
        } catch (IOException e) { // Jackson's parse errors
            throw new BadLineException("JSON: " + firstLine(e.getMessage()));
        }
        if (ip == null) {
            throw new BadLineException("no \"ip\" field");
        }
        if (path == null) {
            throw new BadLineException("no \"path\" field");
        }
        return new LogRequest(ip, method, path, query, status, bytes, time);
    }

    private static String text(JsonParser p, JsonToken v, String name) throws IOException, BadLineException {
        if (v != JsonToken.VALUE_STRING) {
            throw new BadLineException("\"" + name + "\": " + v + " (expected: a string)");
        }
        return p.getText();
    }

    private static long number(JsonParser p, JsonToken v, String name) throws IOException, BadLineException {
        if (v == JsonToken.VALUE_NUMBER_INT) {
            return p.getLongValue();
        }
        if (v == JsonToken.VALUE_STRING) { // a log_format without escape=json quotes everything
            try {
                return Long.parseLong(p.getText());
            } catch (NumberFormatException e) {
                // below
            }
        }
        throw new BadLineException("\"" + name + "\": " + CombinedLog.shorten(p.getText()) + " (expected: a whole number)");
    }

    private long time(JsonParser p, JsonToken v) throws IOException, BadLineException {
        if (v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT) {
            return Math.round(p.getDoubleValue() * 1000); // $msec: seconds with a fraction
        }
        if (v != JsonToken.VALUE_STRING) {
            throw new BadLineException("\"time\": " + v + " (expected: ISO-8601 or seconds since the epoch)");
        }
        String s = p.getText();
        if (s.equals(lastTime)) {
            return lastTimeMillis;
        }
        try {
            lastTimeMillis = OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant().toEpochMilli();
            lastTime = s;
            return lastTimeMillis;
        } catch (DateTimeParseException e) {
            throw new BadLineException("\"time\": " + CombinedLog.shorten(s)
                    + " (expected: ISO-8601 with an offset, like 2026-12-04T17:46:33+00:00)");
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
