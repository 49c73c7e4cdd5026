package org.mirrorgate.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mirrorgate.geo.TestDatabases.write;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeoDatabaseErrorsTest {

    private static final String CITY_REMEDY = "; expected: a GeoIP2/GeoLite2 City or DB-IP city-lite .mmdb file)."
            + " Set geoip.city-database to such a file (deploy/fetch-geoip.sh fetches DB-IP's),"
            + " or leave it unset to run without GeoIP.";
    private static final String ASN_REMEDY = "; expected: a GeoLite2-ASN-shaped .mmdb file with"
            + " autonomous_system_number). Set geoip.asn-database to such a file (deploy/fetch-geoip.sh builds one"
            + " from DB-IP/RouteViews data), or leave it unset to run without ASNs.";

    @TempDir
    Path dir;

    private static GeoSettings city(Path... files) {
        return GeoSettings.none().withReloadCheckInterval(Duration.ZERO).withCityDatabases(files);
    }

    @Test
    void missingFileNamesTheSettingTheFileAndWhatToDo() {
        Path missing = dir.resolve("GeoLite2-City.mmdb");

        assertThatThrownBy(() -> GeoLookups.open(city(missing)))
                .isInstanceOf(GeoDatabaseException.class)
                .hasMessage("geoip.city-database: " + missing + " (no such file" + CITY_REMEDY)
                .extracting(e -> ((GeoDatabaseException) e).file()).isEqualTo(missing);
    }

    @Test
    void directoryIsNotADatabase() {
        assertThatThrownBy(() -> GeoLookups.open(city(dir)))
                .hasMessage("geoip.city-database: " + dir + " (not a regular file" + CITY_REMEDY);
    }

    @Test
    void emptyFileIsNotADatabase() throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.mmdb"));

        assertThatThrownBy(() -> GeoLookups.open(city(empty)))
                .hasMessage("geoip.city-database: " + empty + " (an empty file" + CITY_REMEDY);
    }

    @Test
    void fileWithoutTheMetadataMarkerIsNotAMaxMindDatabase() throws Exception {
        Path html = Files.writeString(dir.resolve("city.mmdb"), "<html>404 Not Found</html>");

        assertThatThrownBy(() -> GeoLookups.open(city(html)))
                .hasMessage("geoip.city-database: " + html + " (not a MaxMind DB file: no MaxMind DB metadata marker,"
                        + " as in an HTML error page or a truncated download" + CITY_REMEDY);
    }

    @Test
    void asnFileGivenAsTheCityDatabaseSaysWhereItBelongs() {
        Path asn = write(TestDatabases.asn(), dir, "GeoLite2-ASN.mmdb");

        assertThatThrownBy(() -> GeoLookups.open(city(asn)))
                .hasMessage("geoip.city-database: " + asn
                        + " (a GeoLite2-ASN database, which belongs in geoip.asn-database" + CITY_REMEDY);
    }

    @Test
    void cityFileGivenAsTheAsnDatabaseSaysWhereItBelongs() {
        Path cityFile = write(TestDatabases.dbIpIpv4(), dir, "dbip-city-ipv4.mmdb");

        assertThatThrownBy(() -> GeoLookups.open(GeoSettings.none().withAsnDatabase(cityFile)))
                .hasMessage("geoip.asn-database: " + cityFile
                        + " (a city ipv4 database, which belongs in geoip.city-database" + ASN_REMEDY);
    }

    @Test
    void unsupportedDatabaseTypeIsNamed() {
        Path anonymous = write(new MmdbWriter("GeoIP2-Anonymous-IP", 6)
                .insert("192.0.2.0/24", Map.of("is_anonymous", true)), dir, "anon.mmdb");

        assertThatThrownBy(() -> GeoLookups.open(city(anonymous)))
                .hasMessage("geoip.city-database: " + anonymous
                        + " (database_type \"GeoIP2-Anonymous-IP\" is not a layout mirrorgate reads" + CITY_REMEDY);
    }

    @Test
    void twoCityFilesCoveringTheSameFamilyAreRefused() {
        Path geoIp2 = write(TestDatabases.geoIp2City(), dir, "GeoLite2-City.mmdb");
        Path v4 = write(TestDatabases.dbIpIpv4(), dir, "dbip-city-ipv4.mmdb");

        assertThatThrownBy(() -> GeoLookups.open(city(geoIp2, v4)))
                .hasMessage("geoip.city-databases: [" + geoIp2 + ", " + v4 + "] (both files cover IPv4; expected: one"
                        + " GeoIP2/GeoLite2 City file, or a DB-IP city ipv4 file and a city ipv6 file)."
                        + " Set geoip.city-databases to one of these.");
    }

    @Test
    void recordsOfAnUnexpectedShapeAreRefusedAtOpenNotOnTheRequestPath() {
        Path odd = write(new MmdbWriter("city ipv4", 4)
                .insert("0.0.0.0/1", Map.of("country_code", "FR", "latitude", "48.85", "longitude", "2.35")),
                dir, "odd.mmdb");

        assertThatThrownBy(() -> GeoLookups.open(city(odd)))
                .isInstanceOf(GeoDatabaseException.class)
                .hasMessageStartingWith("geoip.city-database: " + odd
                        + " (damaged or of an unexpected layout: reading its first networks failed: ")
                .hasMessageEndingWith(CITY_REMEDY);
    }

    @Test
    void badRecordBeyondTheFirstNetworksIsFoundByTheSpreadLookups() {
        var writer = new MmdbWriter("city ipv4", 4);
        for (int i = 0; i < 1024; i++) { // the networks read first, all good
            writer.insert("0." + (i >> 8) + "." + (i & 0xff) + ".0/24", TestDatabases.flat("DE", "", "", 50f, 8f));
        }
        Path odd = write(writer.insert("8.0.0.0/8", Map.of("country_code", "FR", "latitude", "48.85")), dir, "odd.mmdb");

        assertThatThrownBy(() -> GeoLookups.open(city(odd)))
                .hasMessageStartingWith("geoip.city-database: " + odd
                        + " (damaged or of an unexpected layout: looking up 8.2.3.4 failed: ")
                .hasMessageEndingWith(CITY_REMEDY);
    }

    @Test
    void damagedDataSectionIsRefusedAtOpen() throws Exception {
        MmdbWriter writer = new MmdbWriter("city ipv4", 4).insert("0.0.0.0/1", TestDatabases.flat("FR", "", "", 1f, 2f));
        byte[] bytes = writer.toBytes();
        int dataStart = indexOf(bytes, new byte[16]) + 16; // the 16 zero bytes after the tree
        for (int i = dataStart; i < dataStart + 8; i++) {
            bytes[i] = (byte) 0xff; // a map of 16 million entries, running off the end of the file
        }
        Path damaged = Files.write(dir.resolve("damaged.mmdb"), bytes);

        assertThatThrownBy(() -> GeoLookups.open(city(damaged)))
                .hasMessageStartingWith("geoip.city-database: " + damaged
                        + " (damaged or of an unexpected layout: reading its first networks failed: ")
                .hasMessageEndingWith(CITY_REMEDY);
    }

    @Test
    void settingsRejectNegativeCacheSizeAndInterval() {
        assertThatThrownBy(() -> GeoSettings.none().withCacheSize(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("geoip.cache-size: -1 (expected: 0..16777216)");
        assertThatThrownBy(() -> GeoSettings.none().withReloadCheckInterval(Duration.ofSeconds(-5)))
                .hasMessage("geoip.reload-interval: PT-5S (expected: >= 0; 0 turns reloading off)");
        assertThatThrownBy(() -> GeoSettings.none().withCityDatabases(dir.resolve("a"), dir.resolve("a")))
                .hasMessage("geoip.city-databases: [" + dir.resolve("a") + ", " + dir.resolve("a")
                        + "] (expected: two different files)");
        assertThatThrownBy(() -> GeoSettings.none().withCityDatabases(dir.resolve("a"), dir.resolve("b"), dir.resolve("c")))
                .hasMessageEndingWith("(expected: one .mmdb file, or two: a DB-IP city ipv4 and city ipv6 file)");
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        GeoSettings none = GeoSettings.none();

        assertThat(none.cacheSize()).isEqualTo(65_536);
        assertThat(none.reloadCheckInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(none.isEmpty()).isTrue();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
