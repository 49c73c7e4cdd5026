package org.mirrorgate.rank;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * A path glob: {@code *} matches within one path segment, {@code **} across segments (also none),
 * {@code ?} one character other than '/'. Matched against the whole relative path.
 *
 * <p>Hand-written rather than a regex because it runs for every request: a literal prefix and
 * suffix reject most paths in a few nanoseconds, and the wildcard walk allocates nothing.
 */
final class Glob {

    private final String pattern;
    private final String literalPrefix;
    private final String literalSuffix;

    Glob(String pattern) {
        checkArgument(!pattern.isEmpty(), "match: \"\" (expected: a glob such as dists/**/InRelease)");
        checkArgument(!pattern.startsWith("/"), "match: %s (expected: relative to the repository root, no leading '/')",
                pattern);
        this.pattern = pattern;
        int first = firstWildcard(pattern);
        this.literalPrefix = first < 0 ? pattern : pattern.substring(0, first);
        int last = lastWildcard(pattern);
        String suffix = last < 0 ? "" : pattern.substring(last + 1);
        if (last > 0 && pattern.startsWith("**/", last - 1)) {
            suffix = suffix.substring(1); // "**/" may match nothing, so the '/' is optional
        }
        this.literalSuffix = suffix;
    }

    boolean matches(String path) {
        if (!path.startsWith(literalPrefix) || !path.endsWith(literalSuffix)) {
            return false;
        }
        return match(path, 0, 0);
    }

    private boolean match(String s, int si, int pi) {
        int sn = s.length();
        int pn = pattern.length();
        while (pi < pn) {
            char pc = pattern.charAt(pi);
            if (pc == '*') {
                boolean deep = pi + 1 < pn && pattern.charAt(pi + 1) == '*';
                int next = deep ? pi + 2 : pi + 1;
                if (deep && next < pn && pattern.charAt(next) == '/') {
                    // "**/" also matches no directory at all.
                    if (match(s, si, next + 1)) {
                        return true;
                    }
                }
                for (int k = si; k <= sn; k++) {
                    if (match(s, k, next)) {
                        return true;
                    }
                    if (k < sn && !deep && s.charAt(k) == '/') {
                        return false;
                    }
                }
                return false;
            }
            if (si >= sn) {
                return false;
            }
            char sc = s.charAt(si);
            if (pc == '?' ? sc == '/' : pc != sc) {
                return false;
            }
            si++;
            pi++;
        }
        return si == sn;
    }

    private static int firstWildcard(String p) {
        for (int i = 0; i < p.length(); i++) {
            if (p.charAt(i) == '*' || p.charAt(i) == '?') {
                return i;
            }
        }
        return -1;
    }

    private static int lastWildcard(String p) {
        for (int i = p.length() - 1; i >= 0; i--) {
            if (p.charAt(i) == '*' || p.charAt(i) == '?') {
                return i;
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        return pattern;
    }
}
