package org.mirrorgate.geo;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Which GeoIP databases to open and how to serve them; the input of {@link GeoLookups#open}.
 *
 * <p>Every part is optional: with no database the lookup answers {@link ClientLocation#UNKNOWN}
 * for everyone and the service still works (it only loses nearest-mirror ranking).
 *
 * @param cityDatabases {@code geoip.city-database} / {@code geoip.city-databases}: none; one
 *     GeoIP2/GeoLite2 City (or Country) file, which covers IPv4 and IPv6; or two files of the DB-IP
 *     flat layout, one {@code city ipv4} and one {@code city ipv6}, which the lookup picks by address
 *     family
 * @param asnDatabase {@code geoip.asn-database}: a GeoLite2-ASN-shaped file
 *     ({@code autonomous_system_number}); null for none
 * @param cacheSize {@code geoip.cache-size}: at most this many addresses are remembered; 0 turns
 *     the cache off
 * @param reloadCheckInterval {@code geoip.reload-interval}: how often the files are checked
 *     for a replacement; {@link Duration#ZERO} turns reloading off
 */
public record GeoSettings(
        List<Path> cityDatabases, @Nullable Path asnDatabase, int cacheSize, Duration reloadCheckInterval) {

    /** Upper bound of {@code geoip.cache-size}, so a typo cannot ask for gigabytes of heap. */
    public static final int MAX_CACHE_SIZE = 1 << 24;

    /**
     * What an empty {@code geoip:} section gives: no database; 65,536 addresses cached (about 10 MB
     * of heap, a few seconds of distinct clients); the files checked for a replacement every minute.
     */
    public static final GeoSettings DEFAULTS = new GeoSettings(List.of(), null, 65_536, Duration.ofMinutes(1));

    public GeoSettings {
        requireNonNull(cityDatabases, "cityDatabases");
        cityDatabases = List.copyOf(cityDatabases); // also rejects null elements
        checkArgument(cityDatabases.size() <= 2,
                "geoip.city-databases: %s (expected: one .mmdb file, or two: a DB-IP city ipv4 and city ipv6 file)",
                cityDatabases);
        checkArgument(cityDatabases.size() < 2 || !cityDatabases.get(0).equals(cityDatabases.get(1)),
                "geoip.city-databases: %s (expected: two different files)", cityDatabases);
        checkArgument(cacheSize >= 0 && cacheSize <= MAX_CACHE_SIZE,
                "geoip.cache-size: %s (expected: 0..%s)", cacheSize, MAX_CACHE_SIZE);
        requireNonNull(reloadCheckInterval, "reloadCheckInterval");
        checkArgument(!reloadCheckInterval.isNegative(),
                "geoip.reload-interval: %s (expected: >= 0; 0 turns reloading off)", reloadCheckInterval);
    }

    /** {@link #DEFAULTS}: no database, so every client is unknown. */
    public static GeoSettings none() {
        return DEFAULTS;
    }

    /** A copy with {@code geoip.city-database} set to these files (none, one or two). */
    public GeoSettings withCityDatabases(Path... files) {
        return new GeoSettings(Arrays.asList(files), asnDatabase, cacheSize, reloadCheckInterval);
    }

    /** A copy with {@code geoip.asn-database} set; null for none. */
    public GeoSettings withAsnDatabase(@Nullable Path file) {
        return new GeoSettings(cityDatabases, file, cacheSize, reloadCheckInterval);
    }

    /** A copy with {@code geoip.cache-size} set. */
    public GeoSettings withCacheSize(int size) {
        return new GeoSettings(cityDatabases, asnDatabase, size, reloadCheckInterval);
    }

    /** A copy with {@code geoip.reload-interval} set. */
    public GeoSettings withReloadCheckInterval(Duration interval) {
        return new GeoSettings(cityDatabases, asnDatabase, cacheSize, interval);
    }

    /** True when no database is configured. */
    public boolean isEmpty() {
        return cityDatabases.isEmpty() && asnDatabase == null;
    }
}
