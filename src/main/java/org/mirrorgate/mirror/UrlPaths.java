package org.mirrorgate.mirror;

import java.nio.charset.StandardCharsets;

/**
 * Percent-encodes a relative file path for appending to a mirror's base URL: RFC 3986 path
 * characters (unreserved, sub-delims, ':' and '@') and '/' stay; everything else (space, '%', '?',
 * '#', quotes, non-ASCII as UTF-8 bytes, and any control character) is encoded. So the result can
 * never end the path, start a query, or split a header line, whatever the file is called.
 *
 * <p>The one implementation for redirects (resolve) and for the URLs the monitor fetches (scan).
 */
public final class UrlPaths {

    private static final boolean[] SAFE = new boolean[128];
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    static {
        for (char c = 'a'; c <= 'z'; c++) {
            SAFE[c] = true;
        }
        for (char c = 'A'; c <= 'Z'; c++) {
            SAFE[c] = true;
        }
        for (char c = '0'; c <= '9'; c++) {
            SAFE[c] = true;
        }
        for (char c : "-._~!$&'()*+,;=:@/".toCharArray()) {
            SAFE[c] = true;
        }
    }

    private UrlPaths() {}

    public static void appendEncoded(StringBuilder out, String path) {
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c < 128 && SAFE[c]) {
                out.append(c);
            } else if (c < 128) {
                appendByte(out, c);
            } else {
                int end = i + 1;
                while (end < path.length() && path.charAt(end) >= 128) {
                    end++;
                }
                for (byte b : path.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
                    appendByte(out, b & 0xff);
                }
                i = end - 1;
            }
        }
    }

    /** The encoded path alone, to append to several base URLs. */
    public static String encode(String path) {
        StringBuilder sb = new StringBuilder(path.length() + 16);
        appendEncoded(sb, path);
        return sb.toString();
    }

    public static String url(String base, String path) {
        StringBuilder sb = new StringBuilder(base.length() + path.length() + 16);
        sb.append(base);
        appendEncoded(sb, path);
        return sb.toString();
    }

    private static void appendByte(StringBuilder out, int b) {
        out.append('%').append(HEX[b >> 4]).append(HEX[b & 15]);
    }
}
