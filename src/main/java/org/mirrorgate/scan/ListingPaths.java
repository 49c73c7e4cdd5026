package org.mirrorgate.scan;

import java.nio.charset.StandardCharsets;

/**
 * The one check every listed path passes before it reaches the index, whatever the protocol: a
 * relative path of plain segments. A mirror is untrusted input; a path that could climb out of the
 * tree, hide a second line or smuggle a terminal escape into a log is rejected, with a short stable
 * reason that the scan's event names.
 */
public final class ListingPaths {

    public static final String EMPTY = "empty path";
    public static final String ABSOLUTE = "absolute path";
    public static final String DOT_DOT = "'..' segment";
    public static final String DOT = "'.' segment";
    public static final String EMPTY_SEGMENT = "empty segment";
    public static final String CONTROL = "control character";
    public static final String TOO_LONG = "path too long";

    private ListingPaths() {}

    /** Why {@code path} is refused, or null when it is acceptable. */
    public static String rejection(String path, int maxPathBytes) {
        int n = path.length();
        if (n == 0) {
            return EMPTY;
        }
        if (path.charAt(0) == '/') {
            return ABSOLUTE;
        }
        if (n > maxPathBytes || n * 3 > maxPathBytes && path.getBytes(StandardCharsets.UTF_8).length > maxPathBytes) {
            return TOO_LONG;
        }
        int segmentStart = 0;
        for (int i = 0; i <= n; i++) {
            char c = i < n ? path.charAt(i) : '/';
            if (c < 0x20 || c == 0x7f || c >= 0x80 && c < 0xa0 || c == '\u2028' || c == '\u2029') {
                return CONTROL;
            }
            if (c == '/') {
                int len = i - segmentStart;
                if (len == 0) {
                    return EMPTY_SEGMENT;
                }
                if (len == 1 && path.charAt(segmentStart) == '.') {
                    return DOT;
                }
                if (len == 2 && path.charAt(segmentStart) == '.' && path.charAt(segmentStart + 1) == '.') {
                    return DOT_DOT;
                }
                segmentStart = i + 1;
            }
        }
        return null;
    }

    /** A path shortened and stripped of control characters, safe to quote in an event or a log. */
    public static String printable(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), 120));
        for (int i = 0; i < s.length() && b.length() < 100; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f || c >= 0x80 && c < 0xa0 ? '?' : c);
        }
        return s.length() > 100 ? b + "..." : b.toString();
    }
}
