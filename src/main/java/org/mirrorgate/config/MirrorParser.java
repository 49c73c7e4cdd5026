package org.mirrorgate.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.mirrorgate.geo.Countries;
import org.mirrorgate.geo.IpPrefix;
import org.mirrorgate.mirror.AddressFamilies;
import org.mirrorgate.mirror.MirrorSpec;
import org.mirrorgate.resolve.Fallback;
import org.mirrorgate.scan.PerMirrorScanSettings;

/** Parses the {@code mirrors:} and {@code fallbacks:} lists. */
final class MirrorParser {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern COUNTRY = Pattern.compile("[A-Za-z]{2}");
    private static final Set<String> CONTINENTS = Set.of("AF", "AN", "AS", "EU", "NA", "OC", "SA");

    private MirrorParser() {}

    /**
     * @param scans receives each mirror's scan overrides (scan-interval, scan-via, mtime-precision,
     *     tz-offset, trace-url, allow-redirects), read by {@link ScanSection#perMirror} from the same
     *     mapping
     */
    static List<MirrorSpec> mirrors(List<ConfigNode> nodes, Map<String, PerMirrorScanSettings> scans) {
        List<MirrorSpec> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (ConfigNode n : nodes) {
            String name = name(n, names);
            URI http = url(n, "http-url", Set.of("http"));
            URI https = url(n, "https-url", Set.of("https"));
            URI rsync = url(n, "rsync-url", Set.of("rsync", "rsyncs"));
            URI ftp = url(n, "ftp-url", Set.of("ftp"));
            if (!n.has("http-url") && !n.has("https-url")) {
                n.problem("http-url", "(missing)", "http-url or https-url: where clients are redirected to");
            }
            List<String> countries = n.list("countries", MirrorParser::country, "ISO 3166-1 alpha-2 codes such as DE");
            String continent = continent(n);
            Set<Integer> asns = new LinkedHashSet<>(n.list("asns", MirrorParser::asn, "AS numbers 1 .. 2147483647"));
            List<IpPrefix> prefixes = n.list("prefixes", IpPrefix::parse, "CIDR prefixes such as 192.0.2.0/24");
            var restrictions = new MirrorSpec.Restrictions(n.bool("country-only", false),
                    n.bool("continent-only", false), n.bool("asn-only", false));
            Set<String> excluded = new LinkedHashSet<>(n.list("excluded-countries", MirrorParser::country,
                    "ISO 3166-1 alpha-2 codes"));
            int score = (int) n.integer("score", 0, -100, 1000);
            double capacity = n.number("capacity", 1.0, 0.001, 1_000_000);
            double maxMbps = n.number("max-mbps", 0, 1, 100_000_000); // 1 Mbit/s .. 100 Tbit/s
            boolean enabled = n.bool("enabled", true);
            boolean trusted = n.bool("trusted", false);
            double lat = n.number("latitude", Double.NaN, -90, 90);
            double lon = n.number("longitude", Double.NaN, -180, 180);
            if (Double.isNaN(lat) != Double.isNaN(lon)) {
                n.problem(Double.isNaN(lat) ? "latitude" : "longitude", "(missing)", "latitude and longitude together");
                lat = Double.NaN;
                lon = Double.NaN;
            }
            if (restrictions.countryOnly() && countries.isEmpty()) {
                n.problem("country-only", "true", "countries: the list of countries it serves");
            }
            if (restrictions.asnOnly() && asns.isEmpty()) {
                n.problem("asn-only", "true", "asns: the autonomous systems it serves");
            }
            if (restrictions.continentOnly() && continent.isEmpty()) {
                n.problem("continent-only", "true", "continent: the continent it serves");
            }
            AddressFamilies families = families(n, http, https);
            MirrorSpec.About about = about(n);
            PerMirrorScanSettings scan = ScanSection.perMirror(n);
            if (name != null) {
                out.add(new MirrorSpec(name, http, https, rsync, ftp, countries, continent, asns, prefixes, restrictions,
                        excluded, score, capacity, enabled, trusted, lat, lon).withMaxMbps(maxMbps)
                        .withFamilies(families).withAbout(about));
                scans.put(name, scan);
            }
        }
        return out;
    }

    static List<Fallback> fallbacks(List<ConfigNode> nodes) {
        List<Fallback> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (ConfigNode n : nodes) {
            String name = name(n, names);
            URI http = url(n, "http-url", Set.of("http"));
            URI https = url(n, "https-url", Set.of("https"));
            if (!n.has("http-url") && !n.has("https-url")) {
                n.problem("http-url", "(missing)", "http-url or https-url");
            }
            String country = n.has("country") ? country(n, n.string("country", "")) : "";
            String continent = continent(n);
            if (name != null && (http != null || https != null)) {
                out.add(new Fallback(name, http == null ? null : http.toString(), https == null ? null : https.toString(),
                        country, continent));
            }
        }
        return out;
    }

    private static String name(ConfigNode n, Set<String> seen) {
        String name = n.string("name", "");
        if (!NAME.matcher(name).matches()) {
            n.problem("name", name.isEmpty() ? "(missing)" : name, "1-64 of A-Z a-z 0-9 . _ -, starting with a letter or digit");
            return null;
        }
        if (!seen.add(name)) {
            n.problem("name", name, "a name not used by another entry");
            return null;
        }
        return name;
    }

    private static final Pattern EMAIL = Pattern.compile("[^\\s@<>\"]+@[^\\s@<>\"]+\\.[^\\s@<>\"]+");

    /**
     * {@code sponsor-name}, {@code sponsor-url}, {@code sponsor-logo}, {@code admin-name}, {@code
     * admin-email}, {@code comment}: text of bounded length without control characters, http(s)
     * links to a page or an image (never {@code javascript:} or {@code data:}: the pages link them).
     */
    private static MirrorSpec.About about(ConfigNode n) {
        String sponsor = text(n, "sponsor-name", 200);
        URI sponsorUrl = link(n, "sponsor-url");
        URI logo = link(n, "sponsor-logo");
        String admin = text(n, "admin-name", 200);
        String email = text(n, "admin-email", 254);
        if (!email.isEmpty() && !EMAIL.matcher(email).matches()) {
            n.problem("admin-email", email, "an e-mail address such as mirrors@example.org");
            email = "";
        }
        return new MirrorSpec.About(sponsor, sponsorUrl, logo, admin, email, text(n, "comment", 2000));
    }

    private static String text(ConfigNode n, String key, int maxLength) {
        String text = n.string(key, "").strip();
        if (text.length() > maxLength || text.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            n.problem(key, text.length() > 60 ? text.substring(0, 60) + "..." : text,
                    "text of at most " + maxLength + " characters on one line");
            return "";
        }
        return text;
    }

    /** An http(s) link with a host and no user info, kept as written (it names a page, not a base). */
    private static URI link(ConfigNode n, String key) {
        String text = n.string(key, "").strip();
        if (text.isEmpty()) {
            return null;
        }
        try {
            URI u = new URI(text);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && u.getHost() != null && u.getRawUserInfo() == null
                    && text.length() <= 2000) {
                return u;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        n.problem(key, text, "an absolute http:// or https:// URL with a host and no user info");
        return null;
    }

    /**
     * A base URL: the given schemes only, a host, no user info, query or fragment; a missing final
     * '/' is added so that appending a path can never change the host or the last directory.
     */
    private static URI url(ConfigNode n, String key, Set<String> schemes) {
        String text = n.string(key, "");
        if (text.isEmpty()) {
            return null;
        }
        String expected = "an absolute " + String.join(" or ", schemes) + ":// URL with a host, no query, fragment or user info";
        try {
            URI u = new URI(text);
            if (u.getScheme() == null || !schemes.contains(u.getScheme().toLowerCase(Locale.ROOT)) || u.getHost() == null
                    || u.getRawQuery() != null || u.getRawFragment() != null || u.getRawUserInfo() != null
                    && !key.equals("rsync-url") && !key.equals("ftp-url")) {
                n.problem(key, text, expected);
                return null;
            }
            if (u.getRawUserInfo() != null && u.getRawUserInfo().startsWith("***")) {
                // what `show` and `export yaml` print in place of credentials: pasted as is, a scan
                // would log in as "***" and fail at every interval
                n.problem(key, text, "the credentials in full, or none (the admin API shows them masked as ***)");
                return null;
            }
            String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
            return new URI(u.getScheme().toLowerCase(Locale.ROOT) + "://" + (u.getRawUserInfo() == null ? "" : u.getRawUserInfo() + "@")
                    + u.getRawAuthority().substring(u.getRawAuthority().indexOf('@') + 1) + (path.endsWith("/") ? path : path + "/"));
        } catch (URISyntaxException e) {
            n.problem(key, text, expected);
            return null;
        }
    }

    private static final String FAMILIES = "ipv4, ipv6 or both, or a list such as [ipv4, ipv6]";

    /**
     * {@code families}: the address families clients can reach the mirror over, one value or a
     * list; absent means learned from DNS. A redirect URL whose host is an address literal of a
     * family left out could never be reached by the clients it would be chosen for: refused.
     */
    private static AddressFamilies families(ConfigNode n, URI http, URI https) {
        if (!n.has("families")) {
            return AddressFamilies.UNKNOWN;
        }
        AddressFamilies f = AddressFamilies.UNKNOWN;
        if (n.isList("families")) {
            for (AddressFamilies item : n.list("families", AddressFamilies::parse, FAMILIES)) {
                f = f.or(item);
            }
            if (!f.known()) {
                n.problem("families", "[]", FAMILIES);
                return AddressFamilies.UNKNOWN;
            }
        } else {
            String text = n.string("families", null);
            if (text == null) {
                return AddressFamilies.UNKNOWN; // not a scalar: already reported
            }
            try {
                f = AddressFamilies.parse(text);
            } catch (IllegalArgumentException e) {
                n.problem("families", text, FAMILIES);
                return AddressFamilies.UNKNOWN;
            }
        }
        for (URI u : new URI[] {http, https}) {
            AddressFamilies literal = u == null ? AddressFamilies.UNKNOWN : literalFamily(u.getHost());
            if (literal.known() && (f.ordinal() & literal.ordinal()) == 0) {
                n.problem("families", f.label(), "a list including " + literal.label() + ": " + u.getHost()
                        + " in " + (u == http ? "http-url" : "https-url") + " is an " + literal.label() + " address");
            }
        }
        return f;
    }

    /** The family of a URL host that is an address literal; unknown for a name (no DNS here). */
    private static AddressFamilies literalFamily(String host) {
        if (host.startsWith("[")) {
            return AddressFamilies.IPV6;
        }
        return host.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}") ? AddressFamilies.IPV4 : AddressFamilies.UNKNOWN;
    }

    private static String continent(ConfigNode n) {
        String c = n.string("continent", "").toUpperCase(Locale.ROOT);
        if (!c.isEmpty() && !CONTINENTS.contains(c)) {
            n.problem("continent", c, "one of AF, AN, AS, EU, NA, OC, SA");
            return "";
        }
        return c;
    }

    private static String country(ConfigNode n, String c) {
        if (!COUNTRY.matcher(c).matches() || !Countries.isKnown(c)) {
            n.problem("country", c, "an ISO 3166-1 alpha-2 code such as DE");
            return "";
        }
        return c.toUpperCase(Locale.ROOT);
    }

    private static String country(String c) {
        if (!COUNTRY.matcher(c).matches() || !Countries.isKnown(c)) {
            throw new IllegalArgumentException(c);
        }
        return c.toUpperCase(Locale.ROOT);
    }

    private static Integer asn(String s) {
        long v = Long.parseLong(s.toUpperCase(Locale.ROOT).startsWith("AS") ? s.substring(2) : s);
        if (v < 1 || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(s);
        }
        return (int) v;
    }
}
