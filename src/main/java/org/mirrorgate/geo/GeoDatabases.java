package org.mirrorgate.geo;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The configured database files as opened at one moment, and which one answers for which address
 * family. Immutable: a reload builds a new instance and swaps it in whole, so a lookup never mixes
 * an old IPv4 file with a new IPv6 one.
 */
final class GeoDatabases {

    /** No files: every address is UNKNOWN. */
    static final GeoDatabases NONE = new GeoDatabases(List.of(), null);

    private final List<DatabaseFile> cityFiles;
    private final @Nullable DatabaseFile asnFile;
    private final @Nullable DatabaseFile cityIpv4;
    private final @Nullable DatabaseFile cityIpv6;
    private final boolean asnIpv4;
    private final boolean asnIpv6;

    private GeoDatabases(List<DatabaseFile> cityFiles, @Nullable DatabaseFile asnFile) {
        this.cityFiles = List.copyOf(cityFiles);
        this.asnFile = asnFile;
        this.cityIpv4 = coveringCity(false);
        this.cityIpv6 = coveringCity(true);
        this.asnIpv4 = asnFile != null && asnFile.covers(false);
        this.asnIpv6 = asnFile != null && asnFile.covers(true);
    }

    /**
     * Opens every file {@code settings} names.
     *
     * @throws GeoDatabaseException for the first file that cannot be used, or two city files that
     *     cover the same address family
     */
    static GeoDatabases open(GeoSettings settings) {
        var opened = new ArrayList<DatabaseFile>();
        try {
            var city = new ArrayList<DatabaseFile>();
            for (Path path : settings.cityDatabases()) {
                city.add(track(opened, DatabaseFile.open(path, DatabaseRole.CITY)));
            }
            DatabaseFile asn = settings.asnDatabase() == null ? null
                    : track(opened, DatabaseFile.open(settings.asnDatabase(), DatabaseRole.ASN));
            return new GeoDatabases(city, asn);
        } catch (RuntimeException e) {
            opened.forEach(DatabaseFile::close);
            throw e;
        }
    }

    /**
     * A copy with the files in {@code changed} opened again and the others shared with this one.
     *
     * @throws GeoDatabaseException if a changed file cannot be used; this instance stays valid
     */
    GeoDatabases reopen(Set<Path> changed) {
        var fresh = new ArrayList<DatabaseFile>();
        try {
            var city = new ArrayList<DatabaseFile>();
            for (DatabaseFile file : cityFiles) {
                city.add(changed.contains(file.path) ? track(fresh, DatabaseFile.open(file.path, file.role)) : file);
            }
            DatabaseFile asn = asnFile == null || !changed.contains(asnFile.path) ? asnFile
                    : track(fresh, DatabaseFile.open(asnFile.path, asnFile.role));
            return new GeoDatabases(city, asn);
        } catch (RuntimeException e) {
            fresh.forEach(DatabaseFile::close);
            throw e;
        }
    }

    /** Every open file: the city files in configured order, then the ASN file. */
    List<DatabaseFile> files() {
        var all = new ArrayList<>(cityFiles);
        if (asnFile != null) {
            all.add(asnFile);
        }
        return all;
    }

    /**
     * What the files know of {@code address}: place from the city file of its family, ASN from the
     * ASN file. Never throws for a damaged record (see {@link DatabaseFile#lookup}).
     */
    ClientLocation lookup(InetAddress address) {
        InetAddress canonical = IpAddresses.unmapped(address);
        boolean ipv6 = canonical instanceof Inet6Address;
        DatabaseFile city = ipv6 ? cityIpv6 : cityIpv4;
        ClientLocation place = city == null ? ClientLocation.UNKNOWN : city.lookup(canonical);
        if (!(ipv6 ? asnIpv6 : asnIpv4)) {
            return place;
        }
        int asn = asnFile.lookup(canonical).asn();
        if (asn == 0) {
            return place;
        }
        return new ClientLocation(place.country(), place.continent(), asn, place.latitude(), place.longitude());
    }

    /** One line per file for the startup log: what it is and which addresses it answers for. */
    String describe() {
        return files().stream()
                .map(f -> f.role.key + " " + f.describe() + " for "
                        + (f.covers(false) ? f.covers(true) ? "IPv4 and IPv6" : "IPv4" : "IPv6"))
                .collect(Collectors.joining("; "));
    }

    void close() {
        files().forEach(DatabaseFile::close);
    }

    private @Nullable DatabaseFile coveringCity(boolean ipv6) {
        DatabaseFile found = null;
        for (DatabaseFile file : cityFiles) {
            if (file.covers(ipv6)) {
                if (found != null) {
                    var paths = cityFiles.stream().map(f -> f.path.toString()).collect(Collectors.joining(", ", "[", "]"));
                    throw new GeoDatabaseException(file.path, "geoip.city-databases: " + paths + " (both files cover "
                            + (ipv6 ? "IPv6" : "IPv4") + "; expected: one GeoIP2/GeoLite2 City file, or a DB-IP"
                            + " city ipv4 file and a city ipv6 file). Set geoip.city-databases to one of these.",
                            null);
                }
                found = file;
            }
        }
        return found;
    }

    /** Adds {@code file} to {@code opened}, so it is closed if a later step fails. */
    private static DatabaseFile track(List<DatabaseFile> opened, DatabaseFile file) {
        opened.add(file);
        return file;
    }
}
