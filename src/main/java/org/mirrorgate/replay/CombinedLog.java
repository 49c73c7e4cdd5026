package org.mirrorgate.replay;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;

/**
 * Nginx's default {@code combined} format (also {@code common}: the two quoted fields at the end
 * are not read):
 * {@code $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent ...}.
 *
 * <p>Read by hand, left to right with {@code indexOf}, not with a regular expression: a day of a
 * busy network is tens of millions of lines, and the parse is most of a replay's cost after the
 * decisions themselves. The time of a run of lines of one second is parsed once.
 */
final class CombinedLog {

    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
            "Nov", "Dec"};
    /** "10/Oct/2000:13:55:36 -0700" */
    private static final int TIME_LENGTH = 26;

    private String lastTime = "";
    private long lastTimeMillis;

    LogRequest parse(String line) throws BadLineException {
        int sp = line.indexOf(' ');
        if (sp <= 0) {
            throw new BadLineException("no client address (expected nginx's combined format: "
                    + "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent ...)");
        }
        String ip = line.substring(0, sp);
        int open = line.indexOf('[', sp);
        int close = open < 0 ? -1 : line.indexOf(']', open);
        if (close < 0) {
            throw new BadLineException("no [time]");
        }
        long time = time(line, open + 1, close);
        int q1 = line.indexOf('"', close);
        int q2 = q1 < 0 ? -1 : line.indexOf('"', q1 + 1);
        if (q2 < 0) {
            throw new BadLineException("no quoted request line");
        }
        int m = line.indexOf(' ', q1 + 1);
        if (m < 0 || m > q2) {
            throw new BadLineException("request line without a path: " + shorten(line.substring(q1, q2 + 1)));
        }
        String method = line.substring(q1 + 1, m);
        int uriEnd = line.indexOf(' ', m + 1);
        if (uriEnd < 0 || uriEnd > q2) {
            uriEnd = q2; // HTTP/0.9: no protocol
        }
        String target = line.substring(m + 1, uriEnd);
        int statusStart = q2 + 2;
        int statusEnd = line.indexOf(' ', statusStart);
        if (q2 + 1 >= line.length() || line.charAt(q2 + 1) != ' ' || statusEnd < 0) {
            throw new BadLineException("no status and bytes after the request line");
        }
        int status = (int) number(line, statusStart, statusEnd, "status");
        int bytesEnd = line.indexOf(' ', statusEnd + 1);
        if (bytesEnd < 0) {
            bytesEnd = line.length();
        }
        long bytes = line.startsWith("-", statusEnd + 1) && bytesEnd == statusEnd + 2 ? 0
                : number(line, statusEnd + 1, bytesEnd, "bytes");
        if (target.startsWith("http://") || target.startsWith("https://")) { // absolute form
            int slash = target.indexOf('/', target.indexOf("//") + 2);
            target = slash < 0 ? "/" : target.substring(slash);
        }
        int qm = target.indexOf('?');
        String path = decode(qm < 0 ? target : target.substring(0, qm));
        String query = qm < 0 ? "" : target.substring(qm + 1);
        return new LogRequest(ip, method, path, query, status, bytes, time);
    }

    private long time(String line, int start, int end) throws BadLineException {
        if (end - start != TIME_LENGTH) {
            throw new BadLineException("time: " + shorten(line.substring(start, end))
                    + " (expected: like 10/Oct/2000:13:55:36 -0700)");
        }
        if (line.regionMatches(start, lastTime, 0, TIME_LENGTH)) {
            return lastTimeMillis;
        }
        try {
            int day = digits(line, start, 2);
            int month = month(line, start + 3);
            int year = digits(line, start + 7, 4);
            int hour = digits(line, start + 12, 2);
            int minute = digits(line, start + 15, 2);
            int second = digits(line, start + 18, 2);
            char sign = line.charAt(start + 21);
            int offset = digits(line, start + 22, 2) * 60 + digits(line, start + 24, 2);
            if (sign != '+' && sign != '-' || month < 0 || hour > 23 || minute > 59 || second > 60) {
                throw new NumberFormatException();
            }
            long days = LocalDate.of(year, month + 1, day).toEpochDay();
            long seconds = days * 86_400 + hour * 3_600L + minute * 60L + second
                    - (sign == '+' ? 1 : -1) * offset * 60L;
            lastTime = line.substring(start, end);
            lastTimeMillis = seconds * 1000;
            return lastTimeMillis;
        } catch (RuntimeException e) { // a digit that is none, day 31 of February
            throw new BadLineException("time: " + line.substring(start, end)
                    + " (expected: like 10/Oct/2000:13:55:36 -0700)");
        }
    }

    private static int month(String line, int at) {
        for (int i = 0; i < MONTHS.length; i++) {
            if (line.startsWith(MONTHS[i], at)) {
                return i;
            }
        }
        return -1;
    }

    private static int digits(String s, int at, int n) {
        int v = 0;
        for (int i = at; i < at + n; i++) {
            int d = s.charAt(i) - '0';
            if (d < 0 || d > 9) {
                throw new NumberFormatException();
            }
            v = v * 10 + d;
        }
        return v;
    }

    private static long number(String s, int start, int end, String what) throws BadLineException {
        if (start >= end || end - start > 18) {
            throw new BadLineException(what + ": " + shorten(s.substring(Math.min(start, end), end))
                    + " (expected: a number)");
        }
        long v = 0;
        for (int i = start; i < end; i++) {
            int d = s.charAt(i) - '0';
            if (d < 0 || d > 9) {
                throw new BadLineException(what + ": " + shorten(s.substring(start, end)) + " (expected: a number)");
            }
            v = v * 10 + d;
        }
        return v;
    }

    /**
     * The path as Nginx's {@code $uri} has it: {@code %XX} decoded, and the {@code \xXX} escapes
     * Nginx writes in its log for bytes outside printable ASCII, both read as UTF-8.
     */
    static String decode(String raw) throws BadLineException {
        if (raw.indexOf('%') < 0 && raw.indexOf('\\') < 0) {
            return raw; // nearly every line: no copy
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            int hexAt = c == '%' ? i + 1 : c == '\\' && i + 1 < raw.length() && raw.charAt(i + 1) == 'x' ? i + 2 : -1;
            if (hexAt < 0) {
                if (c < 0x80) {
                    out.write(c);
                } else { // raw UTF-8 in the log (not Nginx's own escaping): kept as it was
                    int cp = raw.codePointAt(i);
                    out.writeBytes(Character.toString(cp).getBytes(StandardCharsets.UTF_8));
                    i += Character.charCount(cp) - 1;
                }
                continue;
            }
            int hi = hexAt + 1 < raw.length() ? Character.digit(raw.charAt(hexAt), 16) : -1;
            int lo = hi < 0 ? -1 : Character.digit(raw.charAt(hexAt + 1), 16);
            if (lo < 0) {
                throw new BadLineException("path: bad escape at offset " + i + " in " + shorten(raw));
            }
            out.write(hi * 16 + lo);
            i = hexAt + 1;
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    static String shorten(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
