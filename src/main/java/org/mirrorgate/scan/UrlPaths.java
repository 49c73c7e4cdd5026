package org.mirrorgate.scan;

import java.nio.charset.StandardCharsets;

/** Percent-encodes a relative file path for appending to a mirror's base URL ('/' kept). */
final class UrlPaths {

    private static final String HEX = "0123456789ABCDEF";

    private UrlPaths() {}

    static String encode(String path) {
        StringBuilder b = new StringBuilder(path.length() + 16);
        for (byte x : path.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~/!$&'()*+,;=:@".indexOf(c) >= 0) {
                b.append((char) c);
            } else {
                b.append('%').append(HEX.charAt(c >> 4)).append(HEX.charAt(c & 15));
            }
        }
        return b.toString();
    }
}
