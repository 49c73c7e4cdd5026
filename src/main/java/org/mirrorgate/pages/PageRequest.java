package org.mirrorgate.pages;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.util.Locale;
import org.mirrorgate.index.Digest;

/**
 * Which page a request asks for: the URL vocabulary of generated bodies. {@code ?mirrorlist}, {@code
 * ?meta4} (or {@code <file>.meta4}), {@code ?sha256} / {@code ?sha1} / {@code ?md5}, and {@code
 * ?mirrorlist=apt} (on the repository root, or the configured apt mirror-list path).
 *
 * @param digest for {@link Kind#CHECKSUM}: which one; null otherwise
 */
public record PageRequest(Kind kind, Digest digest) {

    public enum Kind {
        /** The ranked and excluded mirrors as text: needs the ranking. */
        MIRROR_LIST,
        /** Metalink v4 (RFC 5854): needs the ranking. */
        METALINK,
        /** One checksum line: needs the file only. */
        CHECKSUM,
        /** apt's mirror-method list ({@code ?mirrorlist=apt} on the repository root): needs the client's ranking. */
        APT_MIRROR_LIST
    }

    public static final PageRequest MIRROR_LIST = new PageRequest(Kind.MIRROR_LIST, null);
    public static final PageRequest METALINK = new PageRequest(Kind.METALINK, null);
    public static final PageRequest APT_MIRROR_LIST = new PageRequest(Kind.APT_MIRROR_LIST, null);

    private static final String META4 = ".meta4";

    public PageRequest {
        requireNonNull(kind, "kind");
        checkArgument((kind == Kind.CHECKSUM) == (digest != null), "digest: %s (expected: set for CHECKSUM only)", digest);
    }

    /** The page the query asks for (the first key that names one), or null: the request is a download. */
    public static PageRequest ofQuery(String query) {
        for (String param : query.split("&", 16)) {
            int eq = param.indexOf('=');
            String key = (eq < 0 ? param : param.substring(0, eq)).toLowerCase(Locale.ROOT);
            if (key.equals("mirrorlist")) {
                return eq >= 0 && param.substring(eq + 1).equalsIgnoreCase("apt") ? APT_MIRROR_LIST : MIRROR_LIST;
            }
            if (key.equals("meta4")) {
                return METALINK;
            }
            Digest digest = Digest.byKey(key);
            if (digest != null) {
                return new PageRequest(Kind.CHECKSUM, digest);
            }
        }
        return null;
    }

    /** For {@code <file>.meta4}: the file whose metalink it names; null for any other path. */
    public static String metalinkTarget(String relativePath) {
        return relativePath.endsWith(META4) ? relativePath.substring(0, relativePath.length() - META4.length()) : null;
    }
}
