package org.mirrorgate.pages;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.mirrorgate.index.Digest;

/**
 * Which page a request asks for: the URL vocabulary of generated bodies. {@code ?mirrorlist} (HTML;
 * {@code =json}, {@code =text}), {@code
 * ?meta4} (or {@code <file>.meta4}), {@code ?sha256} / {@code ?sha1} / {@code ?md5}, and {@code
 * ?mirrorlist=apt} (on the repository root, or the configured apt mirror-list path), {@code ?fileinfo}
 * (HTML; {@code =json}), {@code ?mirrorstats} (HTML; {@code =json}) on the root or a directory, and
 * the public {@code mirrors.json} (at the configured path).
 *
 * @param digest for {@link Kind#CHECKSUM}: which one; null otherwise
 */
public record PageRequest(Kind kind, Digest digest) {

    public enum Kind {
        /** The ranked and excluded mirrors as text ({@code ?mirrorlist=text}): needs the ranking. */
        MIRROR_LIST,
        /** The mirror list page for browsers ({@code ?mirrorlist}): needs the ranking. */
        MIRROR_LIST_HTML,
        /** The mirror list as JSON ({@code ?mirrorlist=json}, or {@code ?mirrorlist} with Accept: application/json). */
        MIRROR_LIST_JSON,
        /** Metalink v4 (RFC 5854): needs the ranking. */
        METALINK,
        /** One checksum line: needs the file only. */
        CHECKSUM,
        /** apt's mirror-method list ({@code ?mirrorlist=apt} on the repository root): needs the client's ranking. */
        APT_MIRROR_LIST,
        /** The file's size, dates, hashes, policy and which mirrors hold it ({@code ?fileinfo}): no ranking. */
        FILE_INFO_HTML,
        /** {@code ?fileinfo=json}, or {@code ?fileinfo} with Accept preferring application/json. */
        FILE_INFO_JSON,
        /** Every mirror's state and downloads for browsers ({@code ?mirrorstats} on the root or a directory). */
        MIRROR_STATS_HTML,
        /** The same as JSON ({@code ?mirrorstats=json}, or {@code ?mirrorstats} with Accept: application/json). */
        MIRROR_STATS_JSON,
        /** The public list of mirrors ({@code pages.mirrors-json}): a path, not a query. */
        MIRRORS_JSON
    }

    public static final PageRequest MIRROR_LIST = new PageRequest(Kind.MIRROR_LIST, null);
    public static final PageRequest MIRROR_LIST_HTML = new PageRequest(Kind.MIRROR_LIST_HTML, null);
    public static final PageRequest MIRROR_LIST_JSON = new PageRequest(Kind.MIRROR_LIST_JSON, null);
    public static final PageRequest METALINK = new PageRequest(Kind.METALINK, null);
    public static final PageRequest APT_MIRROR_LIST = new PageRequest(Kind.APT_MIRROR_LIST, null);
    public static final PageRequest FILE_INFO_HTML = new PageRequest(Kind.FILE_INFO_HTML, null);
    public static final PageRequest FILE_INFO_JSON = new PageRequest(Kind.FILE_INFO_JSON, null);
    public static final PageRequest MIRROR_STATS_HTML = new PageRequest(Kind.MIRROR_STATS_HTML, null);
    public static final PageRequest MIRROR_STATS_JSON = new PageRequest(Kind.MIRROR_STATS_JSON, null);
    public static final PageRequest MIRRORS_JSON = new PageRequest(Kind.MIRRORS_JSON, null);

    private static final String META4 = ".meta4";

    public PageRequest {
        requireNonNull(kind, "kind");
        checkArgument((kind == Kind.CHECKSUM) == (digest != null), "digest: %s (expected: set for CHECKSUM only)", digest);
    }

    /** The page the query asks for (the first key that names one), or null: the request is a download. */
    public static PageRequest ofQuery(String query) {
        return ofQuery(query, false);
    }

    /**
     * @param wantsJson the request's Accept header prefers application/json: a plain {@code
     *     ?mirrorlist} is then answered as JSON
     */
    public static PageRequest ofQuery(String query, boolean wantsJson) {
        return ofQuery(query, wantsJson ? "application/json" : "");
    }

    /**
     * @param accept the request's Accept header ("" for none): a page asked for without a format
     *     ({@code ?mirrorlist}, {@code ?fileinfo}) is answered as JSON when it prefers
     *     application/json to text/html ({@link AcceptHeader}); an explicit format wins over it
     */
    public static PageRequest ofQuery(String query, String accept) {
        PageRequest p = ofQuery0(query);
        if (p == MIRROR_LIST_HTML || p == FILE_INFO_HTML || p == MIRROR_STATS_HTML) {
            if (!AcceptHeader.prefersJson(accept)) {
                return p;
            }
            return p == MIRROR_LIST_HTML ? MIRROR_LIST_JSON : p == FILE_INFO_HTML ? FILE_INFO_JSON : MIRROR_STATS_JSON;
        }
        return p;
    }

    private static PageRequest ofQuery0(String query) {
        for (String param : query.split("&", 16)) {
            int eq = param.indexOf('=');
            String key = (eq < 0 ? param : param.substring(0, eq)).toLowerCase(Locale.ROOT);
            if (key.equals("mirrorlist")) {
                String format = eq < 0 ? "" : param.substring(eq + 1).toLowerCase(Locale.ROOT);
                return switch (format) {
                    case "apt" -> APT_MIRROR_LIST;
                    case "text" -> MIRROR_LIST;
                    case "json" -> MIRROR_LIST_JSON;
                    default -> MIRROR_LIST_HTML;
                };
            }
            if (key.equals("fileinfo")) {
                return eq >= 0 && param.substring(eq + 1).equalsIgnoreCase("json") ? FILE_INFO_JSON : FILE_INFO_HTML;
            }
            if (key.equals("mirrorstats")) {
                return eq >= 0 && param.substring(eq + 1).equalsIgnoreCase("json") ? MIRROR_STATS_JSON : MIRROR_STATS_HTML;
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

    /** Whether this is one of the {@code ?mirrorlist} pages about a file (text, HTML, JSON). */
    public boolean isMirrorList() {
        return kind == Kind.MIRROR_LIST || kind == Kind.MIRROR_LIST_HTML || kind == Kind.MIRROR_LIST_JSON;
    }

    /** Whether this is {@code ?fileinfo} (HTML or JSON). */
    public boolean isFileInfo() {
        return kind == Kind.FILE_INFO_HTML || kind == Kind.FILE_INFO_JSON;
    }

    /** Whether this is {@code ?mirrorstats} (HTML or JSON): a page about every mirror, not about a file. */
    public boolean isMirrorStats() {
        return kind == Kind.MIRROR_STATS_HTML || kind == Kind.MIRROR_STATS_JSON;
    }

    /** The {@code fromip=} value of the query (the mirror list as that client would see it), or null. */
    public static String fromip(String query) {
        for (String param : query.split("&", 16)) {
            if (param.regionMatches(true, 0, "fromip=", 0, 7)) {
                try {
                    return URLDecoder.decode(param.substring(7), StandardCharsets.UTF_8); // 2001%3Adb8%3A%3A1
                } catch (IllegalArgumentException e) {
                    return param.substring(7); // a broken %-escape: the address check names the value
                }
            }
        }
        return null;
    }

    /** For {@code <file>.meta4}: the file whose metalink it names; null for any other path. */
    public static String metalinkTarget(String relativePath) {
        return relativePath.endsWith(META4) ? relativePath.substring(0, relativePath.length() - META4.length()) : null;
    }
}
