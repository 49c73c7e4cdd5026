package org.mirrorgate.geo;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mirrorgate.geo.TestDatabases.write;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checks the test-only writer against libmaxminddb, the reference C reader, where Debian's
 * {@code mmdb-bin} is installed; skipped elsewhere (the other tests never need it).
 */
@EnabledIf("mmdblookupInstalled")
class MmdbWriterTest {

    private static final Path MMDBLOOKUP = Path.of("/usr/bin/mmdblookup");

    @TempDir
    Path dir;

    static boolean mmdblookupInstalled() {
        return Files.isExecutable(MMDBLOOKUP);
    }

    @ParameterizedTest(name = "{0}-bit records")
    @ValueSource(ints = {24, 28, 32})
    void writerOutputReadsTheSameThroughLibmaxminddb(int bits) throws Exception {
        Path city = write(TestDatabases.geoIp2City().recordSize(bits), dir, "city.mmdb");
        Path v4 = write(TestDatabases.dbIpIpv4().recordSize(bits), dir, "v4.mmdb");
        Path v6 = write(TestDatabases.dbIpIpv6().recordSize(bits), dir, "v6.mmdb");
        Path asn = write(TestDatabases.asn().recordSize(bits), dir, "asn.mmdb");

        assertThat(mmdblookup(city, "81.2.69.160", "country", "iso_code")).contains("\"GB\" <utf8_string>");
        assertThat(mmdblookup(city, "81.2.69.160", "location", "latitude")).contains("51.514200 <double>");
        assertThat(mmdblookup(city, "2001:db8:1::1", "continent", "code")).contains("\"EU\" <utf8_string>");
        assertThat(mmdblookup(v4, "192.0.2.1", "latitude")).contains("48.856602 <float>");
        assertThat(mmdblookup(v6, "2001:db8:2::1", "country_code")).contains("\"JP\" <utf8_string>");
        assertThat(mmdblookup(asn, "81.2.69.1", "autonomous_system_number")).contains("20712 <uint32>");
        assertThat(mmdblookup(city, "10.0.0.1")).contains("Could not find an entry");
        assertThat(metadata(city)).contains("Record size:   " + bits + " bits", "Type:          GeoLite2-City");
    }

    private static String mmdblookup(Path file, String ip, String... dataPath) throws Exception {
        var command = new ArrayList<>(List.of(MMDBLOOKUP.toString(), "--file", file.toString(), "--ip", ip));
        command.addAll(List.of(dataPath));
        return run(command);
    }

    private static String metadata(Path file) throws Exception {
        return run(List.of(MMDBLOOKUP.toString(), "--file", file.toString(), "--verbose", "--ip", "0.0.0.0"));
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), UTF_8);
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return output;
    }
}
