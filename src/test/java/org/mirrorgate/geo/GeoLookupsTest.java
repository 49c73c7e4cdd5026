package org.mirrorgate.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.mirrorgate.geo.TestDatabases.write;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GeoLookupsTest {

    @TempDir
    Path dir;

    private GeoLookup lookup = GeoLookup.NONE;

    @AfterEach
    void close() throws Exception {
        if (lookup instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    private GeoLookup open(GeoSettings settings) {
        lookup = GeoLookups.open(settings.withReloadCheckInterval(Duration.ZERO));
        return lookup;
    }

    private static InetAddress ip(String literal) {
        return IpAddresses.parse(literal);
    }

    @Test
    void noDatabaseConfiguredAnswersUnknownForEveryone() {
        GeoLookup none = GeoLookups.open(GeoSettings.none());

        assertThat(none).isSameAs(GeoLookup.NONE);
        assertThat(none.lookup(ip("81.2.69.1"))).isEqualTo(ClientLocation.UNKNOWN);
        assertThat(none.lookup(ip("2001:db8:1::1"))).isEqualTo(ClientLocation.UNKNOWN);
    }

    @Test
    void geoIp2CityLocatesIpv4AndIpv6Clients() {
        open(GeoSettings.none().withCityDatabases(write(TestDatabases.geoIp2City(), dir, "city.mmdb")));

        assertThat(lookup.lookup(ip("81.2.69.160")))
                .isEqualTo(new ClientLocation("GB", "EU", 0, 51.5142, -0.0931));
        assertThat(lookup.lookup(ip("2001:db8:1:2::3")))
                .isEqualTo(new ClientLocation("DE", "EU", 0, 52.5200, 13.4050));
    }

    @Test
    void addressOutsideEveryNetworkIsUnknown() {
        open(GeoSettings.none().withCityDatabases(write(TestDatabases.geoIp2City(), dir, "city.mmdb"))
                .withAsnDatabase(write(TestDatabases.asn(), dir, "asn.mmdb")));

        assertThat(lookup.lookup(ip("10.1.2.3"))).isEqualTo(ClientLocation.UNKNOWN);
        assertThat(lookup.lookup(ip("2001:db8:ffff::1"))).isEqualTo(ClientLocation.UNKNOWN);
        assertThat(lookup.lookup(ip("::1"))).isEqualTo(ClientLocation.UNKNOWN);
    }

    @Test
    void recordWithoutLocationHasCountryAndContinentButNoCoordinates() {
        open(GeoSettings.none().withCityDatabases(write(TestDatabases.geoIp2City(), dir, "city.mmdb")));

        ClientLocation found = lookup.lookup(ip("198.51.100.7"));

        assertThat(found.country()).isEqualTo("US");
        assertThat(found.continent()).isEqualTo("NA");
        assertThat(found.hasCoordinates()).isFalse();
    }

    @Test
    void registeredCountryStandsInWhenTheCountryIsMissingAndGivesTheContinent() {
        open(GeoSettings.none().withCityDatabases(write(TestDatabases.geoIp2City(), dir, "city.mmdb")));

        ClientLocation found = lookup.lookup(ip("203.0.113.9"));

        assertThat(found.country()).isEqualTo("JP");
        assertThat(found.continent()).isEqualTo("AS");
    }

    @Test
    void asnDatabaseAddsTheAutonomousSystemToTheCityAnswer() {
        open(GeoSettings.none().withCityDatabases(write(TestDatabases.geoIp2City(), dir, "city.mmdb"))
                .withAsnDatabase(write(TestDatabases.asn(), dir, "asn.mmdb")));

        assertThat(lookup.lookup(ip("81.2.69.1"))).isEqualTo(new ClientLocation("GB", "EU", 20712, 51.5142, -0.0931));
        assertThat(lookup.lookup(ip("2001:db8:1::1")).asn()).isEqualTo(3320);
        assertThat(lookup.lookup(ip("192.0.2.1"))) // in the ASN file only
                .isEqualTo(new ClientLocation("", "", 3215, Double.NaN, Double.NaN));
    }

    @Test
    void asnDatabaseAloneGivesTheAsnAndNoPlace() {
        open(GeoSettings.none().withAsnDatabase(write(TestDatabases.asn(), dir, "asn.mmdb")));

        assertThat(lookup.lookup(ip("81.2.69.1"))).isEqualTo(new ClientLocation("", "", 20712, Double.NaN, Double.NaN));
        assertThat(lookup.lookup(ip("2001:db8:1::1")).asn()).isEqualTo(3320);
    }

    @Test
    void dbIpFlatFilesAreChosenByAddressFamily() {
        open(GeoSettings.none().withCityDatabases(
                write(TestDatabases.dbIpIpv6(), dir, "dbip-city-ipv6.mmdb"),
                write(TestDatabases.dbIpIpv4(), dir, "dbip-city-ipv4.mmdb")));

        ClientLocation paris = lookup.lookup(ip("192.0.2.77"));
        ClientLocation tokyo = lookup.lookup(ip("2001:db8:2::77"));

        assertThat(paris.country()).isEqualTo("FR");
        assertThat(paris.latitude()).isCloseTo(48.8566, within(1e-4)); // stored as a 32-bit float
        assertThat(paris.longitude()).isCloseTo(2.3522, within(1e-4));
        assertThat(tokyo.country()).isEqualTo("JP");
        assertThat(tokyo.longitude()).isCloseTo(139.6917, within(1e-4));
    }

    @Test
    void dbIpContinentIsDerivedFromTheCountry() {
        open(GeoSettings.none().withCityDatabases(
                write(TestDatabases.dbIpIpv4(), dir, "v4.mmdb"), write(TestDatabases.dbIpIpv6(), dir, "v6.mmdb")));

        assertThat(lookup.lookup(ip("192.0.2.1")).continent()).isEqualTo("EU");
        assertThat(lookup.lookup(ip("198.51.100.1")).continent()).isEqualTo("EU"); // Russia, as in MaxMind's data
        assertThat(lookup.lookup(ip("203.0.113.1")).continent()).isEqualTo("SA");
        assertThat(lookup.lookup(ip("2001:db8:2::1")).continent()).isEqualTo("AS");
    }

    @Test
    void dbIpUnknownCountryCodeAndNullIslandAreUnknown() {
        open(GeoSettings.none().withCityDatabases(write(TestDatabases.dbIpIpv6(), dir, "v6.mmdb")));

        assertThat(lookup.lookup(ip("2001:db8:3::1"))).isEqualTo(ClientLocation.UNKNOWN);
    }

    @Test
    void oneDbIpFileAloneAnswersOnlyForItsFamily() {
        open(GeoSettings.none().withCityDatabases(write(TestDatabases.dbIpIpv4(), dir, "v4.mmdb")));

        assertThat(lookup.lookup(ip("192.0.2.1")).country()).isEqualTo("FR");
        assertThat(lookup.lookup(ip("2001:db8:2::1"))).isEqualTo(ClientLocation.UNKNOWN);
    }

    @Test
    void ipv4MappedIpv6AddressIsLookedUpAsIpv4() throws Exception {
        open(GeoSettings.none().withCityDatabases(write(TestDatabases.dbIpIpv4(), dir, "v4.mmdb")));
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 192, 0, 2, 1};

        InetAddress address = Inet6Address.getByAddress(null, mapped, -1); // stays an Inet6Address

        assertThat(address).isInstanceOf(Inet6Address.class);
        assertThat(lookup.lookup(address).country()).isEqualTo("FR");
    }

    @Test
    void cachedAnswerIsTheSameObject() {
        open(GeoSettings.none().withCityDatabases(write(TestDatabases.geoIp2City(), dir, "city.mmdb")));

        ClientLocation first = lookup.lookup(ip("81.2.69.1"));

        assertThat(lookup.lookup(ip("81.2.69.1"))).isSameAs(first);
        assertThat(lookup.lookup(ip("10.0.0.1"))).isSameAs(ClientLocation.UNKNOWN);
    }

    @Test
    void withoutCacheEveryLookupReadsTheFileAndAnswersTheSame() {
        open(GeoSettings.none().withCityDatabases(write(TestDatabases.geoIp2City(), dir, "city.mmdb"))
                .withCacheSize(0));

        ClientLocation first = lookup.lookup(ip("81.2.69.1"));
        ClientLocation second = lookup.lookup(ip("81.2.69.1"));

        assertThat(second).isEqualTo(first).isNotSameAs(first);
    }

    @Test
    void countryCodesAreSharedInstancesNotOnePerRecord() {
        open(GeoSettings.none().withCityDatabases(write(TestDatabases.geoIp2City(), dir, "city.mmdb"))
                .withCacheSize(0));

        assertThat(lookup.lookup(ip("81.2.69.1")).country()).isSameAs(lookup.lookup(ip("81.2.69.2")).country());
    }

    @ParameterizedTest(name = "{0}-bit records")
    @ValueSource(ints = {24, 28, 32})
    void everyRecordSizeOfTheFormatIsRead(int bits) {
        open(GeoSettings.none().withCityDatabases(write(TestDatabases.geoIp2City().recordSize(bits), dir, "city.mmdb")));

        assertThat(lookup.lookup(ip("81.2.69.1")).country()).isEqualTo("GB");
        assertThat(lookup.lookup(ip("2001:db8:1::1")).country()).isEqualTo("DE");
    }

    @Test
    void closedLookupAnswersUnknown() throws Exception {
        open(GeoSettings.none().withCityDatabases(write(TestDatabases.geoIp2City(), dir, "city.mmdb")));
        assertThat(lookup.lookup(ip("81.2.69.1")).country()).isEqualTo("GB");

        ((AutoCloseable) lookup).close();

        assertThat(lookup.lookup(ip("81.2.69.1"))).isEqualTo(ClientLocation.UNKNOWN);
    }
}
