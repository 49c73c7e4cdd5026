package org.mirrorgate.api;

import java.util.List;
import org.mirrorgate.resolve.Decision;

/**
 * Renders a redirect's alternates as one HTTP {@code Link} header value (RFC 8288 comma-joined, RFC 6249
 * entries): {@code <url>; rel=duplicate; pri=N; geo=cc, <url2>; rel=duplicate; pri=M, ...}. Done in the
 * service so that the Nginx hook copies one string into one header instead of decoding the alternates and
 * building a header per alternate (ResolveRequest.link_header).
 *
 * <p>One StringBuilder, no regex, no per-call formatting objects. The URLs come from the resolver already
 * percent-encoded (no CR, LF, space, '<' or '>'), so they go between the angle brackets unchanged; the
 * hook still refuses a value with control bytes.
 */
final class LinkHeader {

    /** Room per alternate before the URL: "<", ">; rel=duplicate; pri=NN; geo=cc, ". */
    private static final int PER_ENTRY = 40;

    private LinkHeader() {}

    /** The header value, best first; "" for no alternates. */
    static String render(List<Decision.Alternate> alternates) {
        int n = alternates.size();
        if (n == 0) {
            return "";
        }
        int size = 0;
        for (int i = 0; i < n; i++) {
            size += alternates.get(i).url().length() + PER_ENTRY;
        }
        StringBuilder sb = new StringBuilder(size);
        for (int i = 0; i < n; i++) {
            Decision.Alternate a = alternates.get(i);
            if (i > 0) {
                sb.append(", ");
            }
            sb.append('<').append(a.url()).append(">; rel=duplicate; pri=").append(a.priority());
            appendGeo(sb, a.country());
        }
        return sb.toString();
    }

    /**
     * {@code "; geo=cc"} for two ASCII letters (lower-cased), nothing otherwise: RFC 6249 wants an ISO 3166-1
     * code, and anything else is better left out than sent.
     */
    private static void appendGeo(StringBuilder sb, String country) {
        if (country.length() != 2) {
            return;
        }
        char a = lower(country.charAt(0));
        char b = lower(country.charAt(1));
        if (a >= 'a' && a <= 'z' && b >= 'a' && b <= 'z') {
            sb.append("; geo=").append(a).append(b);
        }
    }

    private static char lower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }
}
