package org.mirrorgate.mirror;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.List;
import java.util.Set;
import org.mirrorgate.geo.IpPrefix;

/**
 * A mirror as the operator declared it: where it is, what it serves, whom it serves.
 *
 * <p>Immutable; validated by the config loader. Runtime facts (up/down, scans) live in {@link
 * MirrorState}.
 *
 * @param name unique, stable name used in logs, metrics labels and the admin API
 * @param httpUrl base URL ending in '/' for plain-HTTP redirects; null when not offered
 * @param httpsUrl base URL ending in '/' for https redirects; null when not offered
 * @param rsyncUrl scan URL (rsync:// or rsyncs://); null when not offered
 * @param ftpUrl scan URL (ftp://); null when not offered
 * @param countries ISO 3166-1 alpha-2 codes, upper case; the first is the primary country
 * @param continent two-letter continent code, or "" when unknown
 * @param asns autonomous systems the mirror is reachable in (several for multi-homed mirrors)
 * @param prefixes client networks that should prefer this mirror
 * @param excludedCountries clients from these countries are never sent here
 * @param score percentage modifier of the mirror's weight, -100..1000
 * @param capacity relative capacity weight, > 0
 * @param latitude degrees, NaN when unknown
 * @param longitude degrees, NaN when unknown
 * @param origin where the declaration lives: the config file (follows it at every start) or the
 *     store (added through the admin API, managed only there)
 * @param maxMbps the bandwidth the mirror offers, in Mbit/s: the ranking keeps the load it sends
 *     there near it (docs/ranking.md, capacity); 0 when not declared (no ceiling)
 * @param families the address families the operator declared it reachable over; {@link
 *     AddressFamilies#UNKNOWN} when not declared (then they are learned from DNS: {@code
 *     MirrorState#families})
 * @param about who runs the mirror and who sponsors it ({@link About#NONE} when not declared):
 *     shown on the pages and to operators, never used to rank
 */
public record MirrorSpec(
        String name,
        URI httpUrl,
        URI httpsUrl,
        URI rsyncUrl,
        URI ftpUrl,
        List<String> countries,
        String continent,
        Set<Integer> asns,
        List<IpPrefix> prefixes,
        Restrictions restrictions,
        Set<String> excludedCountries,
        int score,
        double capacity,
        boolean enabled,
        boolean trusted,
        double latitude,
        double longitude,
        Origin origin,
        double maxMbps,
        AddressFamilies families,
        About about) {

    /**
     * Who runs the mirror and who sponsors it. The sponsor is public (?mirrorstats, mirrors.json);
     * the admin's name and e-mail and the comment are for operators only (show, export mirmon).
     * Strings are "" and URLs null when not declared.
     */
    public record About(String sponsorName, URI sponsorUrl, URI sponsorLogo, String adminName, String adminEmail,
            String comment) {
        public static final About NONE = new About("", null, null, "", "", "");

        public About {
            sponsorName = sponsorName == null ? "" : sponsorName;
            adminName = adminName == null ? "" : adminName;
            adminEmail = adminEmail == null ? "" : adminEmail;
            comment = comment == null ? "" : comment;
        }

        public boolean hasSponsor() {
            return !sponsorName.isEmpty() || sponsorUrl != null;
        }
    }

    /** A mirror declared without sponsor, admin or comment. */
    public MirrorSpec(String name, URI httpUrl, URI httpsUrl, URI rsyncUrl, URI ftpUrl, List<String> countries,
            String continent, Set<Integer> asns, List<IpPrefix> prefixes, Restrictions restrictions,
            Set<String> excludedCountries, int score, double capacity, boolean enabled, boolean trusted,
            double latitude, double longitude, Origin origin, double maxMbps, AddressFamilies families) {
        this(name, httpUrl, httpsUrl, rsyncUrl, ftpUrl, countries, continent, asns, prefixes, restrictions,
                excludedCountries, score, capacity, enabled, trusted, latitude, longitude, origin, maxMbps, families,
                About.NONE);
    }

    /**
     * Where a mirror's declaration lives. A config mirror is added, changed and removed with the
     * config file; an API mirror lives in the store and is managed only through the admin API.
     */
    public enum Origin {
        CONFIG,
        API;

        /** The lower-case name shown to operators and stored. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A mirror declared in the config file (the origin of every mirror the config loader builds). */
    public MirrorSpec(String name, URI httpUrl, URI httpsUrl, URI rsyncUrl, URI ftpUrl, List<String> countries,
            String continent, Set<Integer> asns, List<IpPrefix> prefixes, Restrictions restrictions,
            Set<String> excludedCountries, int score, double capacity, boolean enabled, boolean trusted,
            double latitude, double longitude) {
        this(name, httpUrl, httpsUrl, rsyncUrl, ftpUrl, countries, continent, asns, prefixes, restrictions,
                excludedCountries, score, capacity, enabled, trusted, latitude, longitude, Origin.CONFIG, 0);
    }

    /** A mirror whose address families are learned, not declared. */
    public MirrorSpec(String name, URI httpUrl, URI httpsUrl, URI rsyncUrl, URI ftpUrl, List<String> countries,
            String continent, Set<Integer> asns, List<IpPrefix> prefixes, Restrictions restrictions,
            Set<String> excludedCountries, int score, double capacity, boolean enabled, boolean trusted,
            double latitude, double longitude, Origin origin, double maxMbps) {
        this(name, httpUrl, httpsUrl, rsyncUrl, ftpUrl, countries, continent, asns, prefixes, restrictions,
                excludedCountries, score, capacity, enabled, trusted, latitude, longitude, origin, maxMbps,
                AddressFamilies.UNKNOWN);
    }

    /** A mirror without a declared bandwidth ceiling. */
    public MirrorSpec(String name, URI httpUrl, URI httpsUrl, URI rsyncUrl, URI ftpUrl, List<String> countries,
            String continent, Set<Integer> asns, List<IpPrefix> prefixes, Restrictions restrictions,
            Set<String> excludedCountries, int score, double capacity, boolean enabled, boolean trusted,
            double latitude, double longitude, Origin origin) {
        this(name, httpUrl, httpsUrl, rsyncUrl, ftpUrl, countries, continent, asns, prefixes, restrictions,
                excludedCountries, score, capacity, enabled, trusted, latitude, longitude, origin, 0);
    }

    /** Whom a mirror may serve, beyond proximity. */
    public record Restrictions(boolean countryOnly, boolean continentOnly, boolean asnOnly) {
        public static final Restrictions NONE = new Restrictions(false, false, false);
    }

    public MirrorSpec {
        requireNonNull(name, "name");
        countries = List.copyOf(countries);
        continent = continent == null ? "" : continent;
        asns = Set.copyOf(asns);
        prefixes = List.copyOf(prefixes);
        restrictions = restrictions == null ? Restrictions.NONE : restrictions;
        excludedCountries = Set.copyOf(excludedCountries);
        origin = origin == null ? Origin.CONFIG : origin;
        families = families == null ? AddressFamilies.UNKNOWN : families;
        about = about == null ? About.NONE : about;
        if (!(maxMbps >= 0)) {
            throw new IllegalArgumentException("maxMbps: " + maxMbps);
        }
    }

    /** True when the mirror declared a bandwidth ceiling ({@link #maxMbps}). */
    public boolean hasBandwidthCeiling() {
        return maxMbps > 0;
    }

    public MirrorSpec withEnabled(boolean value) {
        return new MirrorSpec(name, httpUrl, httpsUrl, rsyncUrl, ftpUrl, countries, continent, asns, prefixes,
                restrictions, excludedCountries, score, capacity, value, trusted, latitude, longitude, origin, maxMbps, families, about);
    }

    public MirrorSpec withMaxMbps(double value) {
        return new MirrorSpec(name, httpUrl, httpsUrl, rsyncUrl, ftpUrl, countries, continent, asns, prefixes,
                restrictions, excludedCountries, score, capacity, enabled, trusted, latitude, longitude, origin, value, families, about);
    }

    public MirrorSpec withOrigin(Origin value) {
        return new MirrorSpec(name, httpUrl, httpsUrl, rsyncUrl, ftpUrl, countries, continent, asns, prefixes,
                restrictions, excludedCountries, score, capacity, enabled, trusted, latitude, longitude, value, maxMbps, families, about);
    }

    /** The same mirror with its address families declared ({@link AddressFamilies#UNKNOWN}: learned). */
    public MirrorSpec withFamilies(AddressFamilies value) {
        return new MirrorSpec(name, httpUrl, httpsUrl, rsyncUrl, ftpUrl, countries, continent, asns, prefixes,
                restrictions, excludedCountries, score, capacity, enabled, trusted, latitude, longitude, origin, maxMbps,
                value, about);
    }

    /** The same mirror with another sponsor, admin and comment. */
    public MirrorSpec withAbout(About value) {
        return new MirrorSpec(name, httpUrl, httpsUrl, rsyncUrl, ftpUrl, countries, continent, asns, prefixes,
                restrictions, excludedCountries, score, capacity, enabled, trusted, latitude, longitude, origin, maxMbps,
                families, value);
    }

    /**
     * True when this config declaration is {@code apiMirror} exactly as the store holds it (what
     * {@code mirrorgate export yaml} printed, pasted into the file): the file then takes the mirror
     * over. {@code enabled} is not compared: the export writes the mirror's current switch, which
     * the stored definition need not say (enable/disable is state).
     */
    public boolean declares(MirrorSpec apiMirror) {
        return withOrigin(Origin.API).withEnabled(apiMirror.enabled()).equals(apiMirror);
    }

    /** The same mirror placed elsewhere: its location keys replaced, every other key as it was. */
    public MirrorSpec withLocation(List<String> newCountries, String newContinent, Set<Integer> newAsns,
            double newLatitude, double newLongitude) {
        return new MirrorSpec(name, httpUrl, httpsUrl, rsyncUrl, ftpUrl, newCountries, newContinent, newAsns, prefixes,
                restrictions, excludedCountries, score, capacity, enabled, trusted, newLatitude, newLongitude, origin,
                maxMbps, families, about);
    }

    /** The primary country, or "" when none is declared. */
    public String primaryCountry() {
        return countries.isEmpty() ? "" : countries.get(0);
    }

    public boolean hasCoordinates() {
        return !Double.isNaN(latitude) && !Double.isNaN(longitude);
    }

    /** A minimal spec for tests and examples: one name, base URLs, nothing else. */
    public static MirrorSpec simple(String name, String httpUrl, String httpsUrl) {
        return new MirrorSpec(name, httpUrl == null ? null : URI.create(httpUrl),
                httpsUrl == null ? null : URI.create(httpsUrl), null, null, List.of(), "", Set.of(),
                List.of(), Restrictions.NONE, Set.of(), 0, 1.0, true, false, Double.NaN, Double.NaN);
    }
}
