package org.mirrorgate.repo;

import java.util.EnumMap;
import java.util.Map;
import org.slf4j.Logger;

/**
 * Rate-limited warnings of one scan: the first few of each kind at WARN, the rest at DEBUG, then
 * one line per kind with how many were not shown. A tree with 40,000 links pointing outside the
 * root must not write 40,000 lines every five minutes, but the operator must see some names.
 */
final class ScanWarnings {

    static final int SHOWN_PER_KIND = 10;

    enum Kind {
        LINK_OUTSIDE("symlinks pointing outside the root"),
        LINK_BROKEN("dangling or unresolvable symlinks"),
        LINK_LOOP("symlinks looping back to a parent directory"),
        BAD_NAME("names that are not valid UTF-8"),
        SPECIAL("sockets, fifos and devices"),
        UNREADABLE("unreadable directories or entries");

        final String plural;

        Kind(String plural) {
            this.plural = plural;
        }
    }

    private final Logger log;
    private final Map<Kind, Integer> counts = new EnumMap<>(Kind.class);

    ScanWarnings(Logger log) {
        this.log = log;
    }

    /** Logs {@code format} (SLF4J style) unless {@link #SHOWN_PER_KIND} of this kind were shown. */
    void warn(Kind kind, String format, Object... args) {
        int n = counts.merge(kind, 1, Integer::sum);
        if (n <= SHOWN_PER_KIND) {
            log.warn(format, args);
        } else if (log.isDebugEnabled()) {
            log.debug(format, args);
        }
    }

    int count(Kind kind) {
        return counts.getOrDefault(kind, 0);
    }

    /** Logs how many warnings of each kind were held back. */
    void flush(String root) {
        counts.forEach((kind, n) -> {
            if (n > SHOWN_PER_KIND) {
                log.warn("local scan of {}: {} more {} not shown (DEBUG shows them)", root,
                        n - SHOWN_PER_KIND, kind.plural);
            }
        });
    }
}
