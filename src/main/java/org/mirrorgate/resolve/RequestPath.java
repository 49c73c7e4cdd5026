package org.mirrorgate.resolve;

import java.nio.charset.StandardCharsets;

/**
 * Validates a request path as Nginx passes it ({@code $uri}: decoded, normalised) and turns it into
 * a path relative to the repository root. Everything it refuses is refused with a message that
 * names the problem, so an operator reading a log line knows why.
 */
final class RequestPath {

    static final int MAX_BYTES = 4096;

    private RequestPath() {}

    /**
     * @param uriPath the request path, starting with '/'
     * @param urlPrefix where the repository is served, starting and ending with '/'
     * @return the path relative to the root ("" for the root itself, a trailing '/' for a
     *     directory), or null when the path lies outside {@code urlPrefix}
     */
    static String relative(String uriPath, String urlPrefix) throws InvalidRequestException {
        validate(uriPath);
        String path = collapseSlashes(uriPath);
        if (path.length() + 1 == urlPrefix.length() && urlPrefix.startsWith(path)) {
            return ""; // "/debian" for prefix "/debian/": the root directory
        }
        if (!path.startsWith(urlPrefix)) {
            return null;
        }
        return path.substring(urlPrefix.length());
    }

    static void validate(String p) throws InvalidRequestException {
        if (p.isEmpty() || p.charAt(0) != '/') {
            throw new InvalidRequestException("path: " + quote(p) + " (expected: an absolute path starting with '/')");
        }
        if (p.length() > MAX_BYTES / 3 && p.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw new InvalidRequestException("path: " + p.getBytes(StandardCharsets.UTF_8).length
                    + " bytes (expected: at most " + MAX_BYTES + ")");
        }
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new InvalidRequestException("path: control character 0x" + Integer.toHexString(c)
                        + " at offset " + i + " (expected: printable characters only)");
            }
            if (c == '\\') {
                throw new InvalidRequestException("path: backslash at offset " + i + " (expected: '/' separators only)");
            }
            if (Character.isSurrogate(c) && !validSurrogatePair(p, i)) {
                throw new InvalidRequestException("path: broken UTF-16 at offset " + i + " (expected: valid Unicode)");
            }
            if (c == '%' && encodesForbidden(p, i)) {
                throw new InvalidRequestException("path: percent-encoded \"" + p.substring(i, i + 3)
                        + "\" at offset " + i + " (expected: no encoded '.', '/', '\\' or NUL: possible traversal)");
            }
        }
        int start = 1;
        while (start <= p.length()) {
            int end = p.indexOf('/', start);
            if (end < 0) {
                end = p.length();
            }
            int len = end - start;
            if (len == 1 && p.charAt(start) == '.' || len == 2 && p.startsWith("..", start)) {
                throw new InvalidRequestException("path: " + quote(p) + " (expected: no '.' or '..' segments)");
            }
            start = end + 1;
        }
    }

    /** "%2e", "%2f", "%5c", "%00" in any case: decoded once more they would traverse or truncate. */
    private static boolean encodesForbidden(String p, int i) {
        if (i + 2 >= p.length()) {
            return false;
        }
        char a = p.charAt(i + 1);
        char b = Character.toLowerCase(p.charAt(i + 2));
        return a == '2' && (b == 'e' || b == 'f') || a == '5' && b == 'c' || a == '0' && b == '0';
    }

    private static boolean validSurrogatePair(String p, int i) {
        char c = p.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < p.length() && Character.isLowSurrogate(p.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(p.charAt(i - 1));
    }

    private static String collapseSlashes(String p) {
        if (!p.contains("//")) {
            return p;
        }
        StringBuilder sb = new StringBuilder(p.length());
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c != '/' || sb.length() == 0 || sb.charAt(sb.length() - 1) != '/') {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** {@code p} as a message and a log line may show it: bounded, control characters as '?' (no forged lines). */
    private static String quote(String p) {
        String shown = p.length() > 120 ? p.substring(0, 120) + "..." : p;
        StringBuilder out = new StringBuilder(shown.length());
        for (int i = 0; i < shown.length(); i++) {
            char c = shown.charAt(i);
            out.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return out.toString();
    }
}
