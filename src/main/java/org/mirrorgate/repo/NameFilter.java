package org.mirrorgate.repo;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;

/**
 * Decides from a name alone (before any stat) whether an entry is left out of the index: configured
 * exclude globs and rsync temporaries. Names are checked, not paths, so the check costs nothing for
 * the common name without a leading dot when no glob is configured.
 */
final class NameFilter {

    /** How the JDK shows a byte sequence that does not decode in the file-name charset. */
    static final char REPLACEMENT = '\uFFFD';

    private final PathMatcher[] excludes;
    private final boolean skipRsyncTemporaries;

    NameFilter(List<String> excludes, boolean skipRsyncTemporaries) {
        this.excludes = excludes.stream()
                .map(glob -> FileSystems.getDefault().getPathMatcher("glob:" + glob))
                .toArray(PathMatcher[]::new);
        this.skipRsyncTemporaries = skipRsyncTemporaries;
    }

    /**
     * False when the name did not decode as UTF-8. Linux names are bytes; the JDK decodes them with
     * sun.jnu.encoding (UTF-8 under a UTF-8 locale) and puts U+FFFD where they do not decode. Such a
     * name cannot be put in a URL faithfully, so it is not served. A name that really contains
     * U+FFFD (validly encoded) is skipped too: the JDK gives no access to the raw bytes to tell them
     * apart, and no distribution archive has one.
     */
    static boolean isValidName(String name) {
        return name.indexOf(REPLACEMENT) < 0;
    }

    /** True when {@code entry}, whose last element is {@code name}, is left out. */
    boolean excluded(String name, Path entry) {
        if (skipRsyncTemporaries && isRsyncTemporary(name)) {
            return true;
        }
        if (excludes.length == 0) {
            return false;
        }
        Path fileName = entry.getFileName();
        for (PathMatcher m : excludes) {
            if (m.matches(fileName)) {
                return true;
            }
        }
        return false;
    }

    /**
     * rsync writes into {@code .<name>.XXXXXX} (mkstemp: six of [A-Za-z0-9]) next to the target and
     * renames it into place when complete. The base name may be truncated, so only the frame is
     * checked: a leading dot, something, a dot, six letters or digits.
     */
    static boolean isRsyncTemporary(String name) {
        int n = name.length();
        if (n < 9 || name.charAt(0) != '.' || name.charAt(n - 7) != '.') {
            return false;
        }
        for (int i = n - 6; i < n; i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9')) {
                return false;
            }
        }
        return true;
    }
}
