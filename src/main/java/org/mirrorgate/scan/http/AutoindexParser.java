package org.mirrorgate.scan.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mirrorgate.scan.ScanFailedException;

/**
 * Reads directory index pages line by line: nginx autoindex (HTML, and JSON with {@code
 * autoindex_format json}), Apache mod_autoindex (table and pre layouts) and lighttpd's look alike.
 * Each line holding a link is one entry; the date and size follow the link.
 *
 * <p>Links are untrusted: only a plain child name (percent-decoded, strict UTF-8, no '/') is an
 * entry; sort links ({@code ?C=N;O=D}) and the parent link are ignored; a link out of the directory
 * (another host, an absolute path elsewhere, {@code ../../x}) is rejected and counted.
 *
 * <p>Precision: nginx and Apache show minutes (60 s), a page showing seconds gives 1 s, JSON gives
 * 1 s. Rounded sizes ({@code 1.2K}, {@code 15M}) carry a tolerance of one unit of the last digit.
 */
final class AutoindexParser {

    /** What one line contributed. */
    interface Entries {
        void file(String name, long size, long sizeTolerance, long mtimeMillis, long precisionMillis)
                throws ScanFailedException;

        void directory(String name) throws ScanFailedException;

        void reject(String reason, String sample) throws ScanFailedException;
    }

    static final String OUTSIDE = "link outside the directory";

    private static final Pattern TAG = Pattern.compile("<[^>]*>");
    private static final Pattern DATE_SIZE = Pattern.compile("^\\s*(\\d{2}-[A-Za-z]{3}-\\d{4}|\\d{4}-\\d{2}-\\d{2}"
            + "|\\d{4}-[A-Za-z]{3}-\\d{2}) (\\d{2}:\\d{2}(?::\\d{2})?)\\s+(-|\\d+(?:\\.\\d+)?)\\s*([KMGTP]?)");
    private static final DateTimeFormatter DMY = DateTimeFormatter.ofPattern("dd-MMM-yyyy HH:mm[:ss]", Locale.ROOT);
    private static final DateTimeFormatter YMD = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm[:ss]", Locale.ROOT);
    private static final DateTimeFormatter YMMMD = DateTimeFormatter.ofPattern("yyyy-MMM-dd HH:mm[:ss]", Locale.ROOT);
    private static final ObjectMapper JSON = new ObjectMapper();

    private AutoindexParser() {}

    /**
     * @param pagePath the page's URL path (raw, ending in '/'): absolute links are judged against it
     */
    static void htmlLine(String line, String pagePath, Entries out) throws ScanFailedException {
        // Found with indexOf, not a regex: linear on any line a hostile server sends.
        String lower = line.toLowerCase(Locale.ROOT);
        int a = lower.indexOf("<a ");
        int attr = a < 0 ? -1 : lower.indexOf("href=\"", a);
        int quote = attr < 0 ? -1 : line.indexOf('"', attr + 6);
        int tagEnd = quote < 0 ? -1 : line.indexOf('>', quote);
        if (tagEnd < 0) {
            return;
        }
        String href = entities(line.substring(attr + 6, quote));
        int close = lower.indexOf("</a>", tagEnd);
        String rest = close < 0 ? "" : TAG.matcher(line.substring(close + 4)).replaceAll(" ").replace("&nbsp;", " ");
        String name = childName(href, pagePath, out);
        if (name == null) {
            return;
        }
        if (name.endsWith("/")) {
            out.directory(name.substring(0, name.length() - 1));
            return;
        }
        Matcher d = DATE_SIZE.matcher(rest);
        if (!d.find() || d.group(3).equals("-")) {
            out.reject("no date or size after the link", line);
            return;
        }
        long mtime = date(d.group(1) + " " + d.group(2));
        if (mtime == Long.MIN_VALUE) {
            out.reject("bad date", line);
            return;
        }
        long precision = d.group(2).length() > 5 ? 1000 : 60_000;
        String unit = d.group(4);
        String number = d.group(3);
        if (unit.isEmpty()) {
            if (number.contains(".") || number.length() > 18) {
                out.reject("bad size", line);
                return;
            }
            out.file(name, Long.parseLong(number), 0, mtime, precision);
            return;
        }
        double mult = Math.pow(1024, "KMGTP".indexOf(unit) + 1);
        int decimals = number.contains(".") ? number.length() - number.indexOf('.') - 1 : 0;
        long tolerance = (long) Math.ceil(mult / Math.pow(10, decimals));
        out.file(name, Math.round(Double.parseDouble(number) * mult), tolerance, mtime, precision);
    }

    /** One line of nginx's JSON index: {@code { "name":"x", "type":"file", "mtime":"...", "size":1 },}. */
    static void jsonLine(String line, Entries out) throws ScanFailedException {
        String t = line.trim();
        if (t.isEmpty() || t.equals("[") || t.equals("]")) {
            return;
        }
        if (t.endsWith(",")) {
            t = t.substring(0, t.length() - 1);
        }
        JsonNode n;
        try {
            n = JSON.readTree(t);
        } catch (IOException e) {
            out.reject("unparsable line", line);
            return;
        }
        JsonNode name = n.get("name");
        JsonNode type = n.get("type");
        if (name == null || !name.isTextual() || type == null) {
            out.reject("unparsable line", line);
            return;
        }
        String entry = name.asText();
        if (entry.isEmpty() || entry.indexOf('/') >= 0 || entry.equals(".") || entry.equals("..")) {
            out.reject(OUTSIDE, entry);
            return;
        }
        switch (type.asText()) {
            case "directory" -> out.directory(entry);
            case "file" -> {
                JsonNode size = n.get("size");
                JsonNode mtime = n.get("mtime");
                long when = mtime == null ? Long.MIN_VALUE : rfc1123(mtime.asText());
                if (size == null || !size.canConvertToLong() || size.asLong() < 0 || when == Long.MIN_VALUE) {
                    out.reject("unparsable line", line);
                    return;
                }
                out.file(entry, size.asLong(), 0, when, 1000);
            }
            default -> { } // "other": sockets, devices
        }
    }

    /**
     * The child name a link points to ("name" or "name/" for a directory), or null when the link is
     * not an entry (sort links, the parent) or is refused (then it is reported).
     */
    static String childName(String href, String pagePath, Entries out) throws ScanFailedException {
        if (href.isEmpty() || href.startsWith("?") || href.startsWith("#") || href.equals("../") || href.equals("..")) {
            return null;
        }
        int q = indexOfAny(href, "?#");
        String h = q < 0 ? href : href.substring(0, q);
        if (h.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*") || h.startsWith("//")) {
            out.reject(OUTSIDE, href);
            return null;
        }
        if (h.startsWith("/")) {
            if (pagePath.startsWith(h)) {
                return null; // the parent or the page itself (Apache's "Parent Directory")
            }
            if (!h.startsWith(pagePath)) {
                out.reject(OUTSIDE, href);
                return null;
            }
            h = h.substring(pagePath.length());
        }
        if (h.startsWith("./")) {
            h = h.substring(2);
        }
        boolean dir = h.endsWith("/");
        String raw = dir ? h.substring(0, h.length() - 1) : h;
        String name = percentDecode(raw);
        if (name == null) {
            out.reject("name not UTF-8", href);
            return null;
        }
        if (name.isEmpty() || name.indexOf('/') >= 0 || name.equals(".") || name.equals("..")) {
            out.reject(OUTSIDE, href);
            return null;
        }
        return dir ? name + "/" : name;
    }

    /** Strict percent-decoding to UTF-8 ('+' stays '+'); null when malformed. */
    static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteBuffer bytes = ByteBuffer.allocate(s.length() * 3);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    return null;
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                bytes.put((byte) (hi * 16 + lo));
                i += 2;
            } else {
                bytes.put(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        bytes.flip();
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static String entities(String s) {
        if (s.indexOf('&') < 0) {
            return s;
        }
        return s.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">")
                .replace("&amp;", "&");
    }

    private static long date(String text) {
        for (DateTimeFormatter f : new DateTimeFormatter[] {DMY, YMD, YMMMD}) {
            try {
                return LocalDateTime.parse(text, f).toInstant(ZoneOffset.UTC).toEpochMilli();
            } catch (DateTimeParseException e) {
                // next layout
            }
        }
        return Long.MIN_VALUE;
    }

    private static long rfc1123(String text) {
        try {
            return ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            return Long.MIN_VALUE;
        }
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }
}
