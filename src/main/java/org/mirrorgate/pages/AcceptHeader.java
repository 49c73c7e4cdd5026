package org.mirrorgate.pages;

/**
 * Whether an HTTP {@code Accept} value (RFC 9110 12.5.1) prefers JSON to HTML, for the pages that
 * have both forms. Each media type gets the q of the most specific range matching it ({@code
 * application/json}, then {@code application/*}, then {@code *}{@code /*}; none: 0); JSON wins on
 * a higher q, or on an equal q above 0 when its match is the more specific (axios' {@code
 * application/json, text/plain, *}{@code /*} asks for JSON, a browser's {@code text/html, ...,
 * *}{@code /*;q=0.8} and curl's {@code *}{@code /*} for HTML). A full tie gives HTML.
 *
 * <p>Lenient, as a header from any client must be: a range or a q it cannot read is skipped, never
 * an error. One pass over the value, no regex; values above {@link #MAX_LENGTH} are not read.
 */
final class AcceptHeader {

    /** Longer values are ignored (HTML): no browser or tool sends more, and it bounds the work. */
    static final int MAX_LENGTH = 1024;

    private AcceptHeader() {}

    static boolean prefersJson(String accept) {
        if (accept == null || accept.isEmpty() || accept.length() > MAX_LENGTH) {
            return false;
        }
        // best q and specificity (3 exact, 2 type/*, 1 */*) seen for each
        double jsonQ = 0;
        int jsonSpec = 0;
        double htmlQ = 0;
        int htmlSpec = 0;
        int from = 0;
        while (from <= accept.length()) {
            int comma = accept.indexOf(',', from);
            int end = comma < 0 ? accept.length() : comma;
            int semi = accept.indexOf(';', from);
            int typeEnd = semi < 0 || semi > end ? end : semi;
            String type = accept.substring(from, typeEnd).trim().toLowerCase(java.util.Locale.ROOT);
            double q = typeEnd < end ? q(accept.substring(typeEnd + 1, end)) : 1;
            if (q >= 0) {
                int js = specificity(type, "application", "json");
                if (js > jsonSpec) {
                    jsonSpec = js;
                    jsonQ = q;
                }
                int hs = specificity(type, "text", "html");
                if (hs > htmlSpec) {
                    htmlSpec = hs;
                    htmlQ = q;
                }
            }
            from = end + 1;
        }
        return jsonQ > htmlQ || jsonQ == htmlQ && jsonQ > 0 && jsonSpec > htmlSpec;
    }

    /** How specifically {@code range} matches {@code type/sub}: 3, 2, 1, or 0 for not at all. */
    private static int specificity(String range, String type, String sub) {
        if (range.equals("*/*")) {
            return 1;
        }
        int slash = range.indexOf('/');
        if (slash < 0 || !range.regionMatches(0, type, 0, type.length()) || slash != type.length()) {
            return 0;
        }
        String s = range.substring(slash + 1);
        return s.equals(sub) ? 3 : s.equals("*") ? 2 : 0;
    }

    /** The q parameter among {@code params} ("q=0.5; level=1"), 1 without one, -1 when unreadable. */
    private static double q(String params) {
        for (String p : params.split(";", 8)) {
            String t = p.trim();
            if (t.length() > 2 && (t.charAt(0) == 'q' || t.charAt(0) == 'Q') && t.charAt(1) == '=') {
                try {
                    double q = Double.parseDouble(t.substring(2));
                    return q >= 0 && q <= 1 ? q : -1;
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return 1;
    }
}
