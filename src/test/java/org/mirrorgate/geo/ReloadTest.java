package org.mirrorgate.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mirrorgate.geo.TestDatabases.write;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class ReloadTest {

    private static final InetAddress LONDON = IpAddresses.parse("81.2.69.1");
    private static final InetAddress BERLIN = IpAddresses.parse("2001:db8:1::1");

    @TempDir
    Path dir;

    private final Logger logger = (Logger) LoggerFactory.getLogger(ReloadingGeoLookup.class);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private ReloadingGeoLookup lookup;
    private Path cityFile;

    @BeforeEach
    void captureLog() {
        logged.start();
        logger.addAppender(logged);
    }

    @AfterEach
    void close() {
        logger.detachAppender(logged);
        if (lookup != null) {
            lookup.close();
        }
    }

    /** Opens the GeoIP2 test database with reload checks every {@code interval} (ZERO: by hand). */
    private void open(Duration interval) {
        cityFile = write(TestDatabases.geoIp2City(), dir, "GeoLite2-City.mmdb");
        lookup = (ReloadingGeoLookup) GeoLookups.open(
                GeoSettings.none().withCityDatabases(cityFile).withReloadCheckInterval(interval));
        assertThat(lookup.lookup(LONDON).country()).isEqualTo("GB"); // now cached too
    }

    private List<String> warnings() {
        return logged.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void replacedFileIsLoadedAndTheCacheCleared() {
        open(Duration.ZERO);

        write(TestDatabases.geoIp2CityMoved(), dir, "GeoLite2-City.mmdb");
        lookup.checkForChanges();

        assertThat(lookup.lookup(LONDON)).isEqualTo(new ClientLocation("FR", "EU", 0, 48.8566, 2.3522));
        assertThat(lookup.lookup(BERLIN).country()).isEqualTo("PL");
        assertThat(logged.list).anySatisfy(e -> assertThat(e.getFormattedMessage())
                .startsWith("geoip: reloaded in ")
                .contains("GeoLite2-City.mmdb (GeoLite2-City, built 2026-09-21T"));
    }

    @Test
    void unchangedFileIsNotLoadedAgain() {
        open(Duration.ZERO);
        ClientLocation cached = lookup.lookup(LONDON);

        lookup.checkForChanges();

        assertThat(lookup.lookup(LONDON)).isSameAs(cached);
        assertThat(logged.list).isEmpty();
    }

    @Test
    void reloadThreadPicksUpAReplacedFile() {
        open(Duration.ofMillis(20));

        write(TestDatabases.geoIp2CityMoved(), dir, "GeoLite2-City.mmdb");

        await().atMost(Duration.ofSeconds(10)).until(() -> lookup.lookup(LONDON).country().equals("FR"));
    }

    @Test
    void corruptReplacementIsRefusedOnceWithAClearLogLineAndTheOldDatabaseKept() throws Exception {
        open(Duration.ZERO);
        Path garbage = Files.writeString(dir.resolve("download.tmp"), "<html>502 Bad Gateway</html>");
        Files.move(garbage, cityFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

        lookup.checkForChanges();
        lookup.checkForChanges();

        assertThat(lookup.lookup(LONDON).country()).isEqualTo("GB");
        assertThat(lookup.lookup(BERLIN).country()).isEqualTo("DE"); // not cached before: read from the old file
        assertThat(warnings()).singleElement().asString()
                .startsWith("geoip: [" + cityFile + "] changed but cannot be used, so the databases in use stay:"
                        + " geoip.city-database " + cityFile + " (GeoLite2-City, built 2026-05-28T")
                .contains(". geoip.city-database: " + cityFile + " (not a MaxMind DB file: no MaxMind DB metadata marker");

        write(TestDatabases.geoIp2CityMoved(), dir, "GeoLite2-City.mmdb"); // the next good file is taken
        lookup.checkForChanges();

        assertThat(lookup.lookup(LONDON).country()).isEqualTo("FR");
    }

    @Test
    void deletedFileKeepsTheDatabaseInUse() throws Exception {
        open(Duration.ZERO);

        Files.delete(cityFile);
        lookup.checkForChanges();

        assertThat(lookup.lookup(BERLIN).country()).isEqualTo("DE");
        assertThat(warnings()).singleElement().asString().contains("(no such file;");
    }

    @Test
    void replacementOfAnotherLayoutThatBreaksFamilyRoutingIsRefused() {
        Path v4 = write(TestDatabases.dbIpIpv4(), dir, "v4.mmdb");
        Path v6 = write(TestDatabases.dbIpIpv6(), dir, "v6.mmdb");
        lookup = (ReloadingGeoLookup) GeoLookups.open(
                GeoSettings.none().withCityDatabases(v4, v6).withReloadCheckInterval(Duration.ZERO));

        write(TestDatabases.geoIp2City(), dir, "v4.mmdb"); // covers IPv6 too: two files for IPv6
        lookup.checkForChanges();

        assertThat(lookup.lookup(IpAddresses.parse("192.0.2.1")).country()).isEqualTo("FR");
        assertThat(warnings()).singleElement().asString().contains("(both files cover IPv6;");
    }
}
