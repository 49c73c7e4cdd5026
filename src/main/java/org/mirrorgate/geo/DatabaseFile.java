package org.mirrorgate.geo;

import com.maxmind.db.CHMCache;
import com.maxmind.db.InvalidDatabaseException;
import com.maxmind.db.InvalidNetworkException;
import com.maxmind.db.Metadata;
import com.maxmind.db.Reader;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One opened .mmdb file, as it was when opened: its reader, its kind, and the stamp that tells a
 * replacement apart. Immutable and thread-safe (maxmind-db's {@code Reader} is).
 *
 * <p>The file is memory-mapped: no heap copy, and pages shared with the page cache. That is safe
 * across updates only because files are replaced by renaming a new file over the old one (the old
 * mapping keeps the old inode alive); overwriting a mapped file in place would change the bytes
 * under running lookups. docs/geoip.md says so to operators.
 */
final class DatabaseFile {

    private static final Logger log = LoggerFactory.getLogger(DatabaseFile.class);

    /** Lookup failures are logged at most this often per file, so a bad file cannot flood the log. */
    private static final long FAILURE_LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    /** Networks decoded when a file is opened; a few milliseconds even for a large file. */
    private static final int PROBE_NETWORKS = 1024;

    private static final List<InetAddress> PROBES = probeAddresses();

    final Path path;
    final DatabaseRole role;
    final DatabaseKind kind;
    final FileStamp stamp;
    private final Reader reader;
    private final AtomicLong nextFailureLog = new AtomicLong(System.nanoTime());
    private final AtomicLong failures = new AtomicLong();

    private DatabaseFile(Path path, DatabaseRole role, DatabaseKind kind, FileStamp stamp, Reader reader) {
        this.path = path;
        this.role = role;
        this.kind = kind;
        this.stamp = stamp;
        this.reader = reader;
    }

    /**
     * Opens {@code path} for {@code role}, or explains why it cannot be used.
     *
     * @throws GeoDatabaseException naming the setting, the file, the problem and the remedy
     */
    static DatabaseFile open(Path path, DatabaseRole role) {
        // The stamp is taken before the file is read: if it is replaced meanwhile, the next check
        // sees a new stamp and loads it again, rather than missing the change.
        FileStamp stamp = FileStamp.of(path);
        if (!Files.exists(path)) {
            throw role.problem(path, "no such file", null);
        }
        if (!Files.isRegularFile(path)) {
            throw role.problem(path, "not a regular file", null);
        }
        if (!Files.isReadable(path) || stamp.equals(FileStamp.UNREADABLE)) {
            throw role.problem(path, "not readable by this process", null);
        }
        if (stamp.size() == 0) {
            throw role.problem(path, "an empty file", null);
        }
        Reader reader;
        try {
            // CHMCache keeps the first 4,096 values reached through pointers (map keys, country
            // codes, shared strings) decoded: it nearly halves what a cache miss allocates.
            reader = new Reader(path.toFile(), Reader.FileMode.MEMORY_MAPPED, new CHMCache());
        } catch (InvalidDatabaseException e) {
            String what = String.valueOf(e.getMessage()).contains("metadata marker")
                    ? "not a MaxMind DB file: no MaxMind DB metadata marker, as in an HTML error page or a"
                            + " truncated download"
                    : "not a valid MaxMind DB file: " + e.getMessage();
            throw role.problem(path, what, e);
        } catch (IOException | RuntimeException e) {
            throw role.problem(path, "cannot be read as a MaxMind DB file: " + e, e);
        }
        String type = String.valueOf(reader.getMetadata().databaseType());
        DatabaseKind kind = DatabaseKind.of(type);
        String wrongKind = kind == null ? "database_type \"" + type + "\" is not a layout mirrorgate reads"
                : kind.role != role ? "a " + type + " database, which belongs in " + kind.role.key
                : null;
        var file = new DatabaseFile(path, role, kind, stamp, reader);
        if (wrongKind != null) {
            file.close();
            throw role.problem(path, wrongKind, null);
        }
        file.probe();
        return file;
    }

    /** True when this file answers for addresses of this family. */
    boolean covers(boolean ipv6) {
        return kind.covers(ipv6, reader.getMetadata().ipVersion());
    }

    /**
     * What this file knows of {@code address} (of a family it {@link #covers}); UNKNOWN when it has
     * no record, or when the lookup fails, which is logged (rate-limited) rather than thrown: one
     * corrupt record must not fail the request that hit it.
     */
    ClientLocation lookup(InetAddress address) {
        try {
            MmdbRecords.Located found = reader.get(address, kind.recordClass);
            return found == null ? ClientLocation.UNKNOWN : found.toLocation();
        } catch (IOException | RuntimeException e) {
            long count = failures.incrementAndGet();
            long now = System.nanoTime();
            long due = nextFailureLog.get();
            if (now - due >= 0 && nextFailureLog.compareAndSet(due, now + FAILURE_LOG_INTERVAL_NANOS)) {
                log.warn("geoip: lookup in {} failed ({} failures so far; logged at most once a minute); "
                        + "replace the file if this repeats", describe(), count, e);
            }
            return ClientLocation.UNKNOWN;
        }
    }

    /** For log lines: path, database type and build time. */
    String describe() {
        Metadata m = reader.getMetadata();
        return path + " (" + m.databaseType() + ", built " + m.buildTime() + ")";
    }

    /** Releases the reader; lookups afterwards answer UNKNOWN. */
    void close() {
        try {
            reader.close();
        } catch (IOException e) {
            log.debug("geoip: closing {}", path, e); // close() only drops a reference
        }
    }

    /**
     * Reads records before the file is put to use, so that a damaged tree or data section, or
     * records of a shape our decoding does not expect, stop the file here (at startup or reload,
     * where the old file can be kept) instead of on the request path: the first
     * {@value #PROBE_NETWORKS} networks in tree order (all of a small file), then addresses spread
     * over the space the file covers. Best effort: damage elsewhere in a large file shows up as
     * rate-limited lookup failures (see {@link #lookup}).
     */
    private void probe() {
        String step = "reading its first networks";
        try {
            var networks = reader.networks(false, kind.recordClass);
            for (int i = 0; i < PROBE_NETWORKS && networks.hasNext(); i++) {
                networks.next();
            }
            for (InetAddress address : PROBES) {
                if (covers(address instanceof Inet6Address)) {
                    step = "looking up " + address.getHostAddress();
                    reader.get(address, kind.recordClass);
                }
            }
        } catch (IOException | InvalidNetworkException | RuntimeException e) {
            close();
            throw role.problem(path, "damaged or of an unexpected layout: " + step + " failed: " + e.getMessage(), e);
        }
    }

    private static List<InetAddress> probeAddresses() {
        var addresses = new ArrayList<InetAddress>();
        try {
            for (int first = 1; first < 224; first += 7) { // 32 IPv4 addresses across unicast space
                addresses.add(InetAddress.getByAddress(new byte[] {(byte) first, 2, 3, 4}));
            }
            for (int top = 0x2000; top < 0x2e00; top += 0x80) { // 28 across allocated global unicast
                byte[] b = new byte[16];
                b[0] = (byte) (top >> 8);
                b[1] = (byte) top;
                b[2] = 0x0d;
                b[15] = 1;
                addresses.add(InetAddress.getByAddress(b));
            }
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // 4 or 16 bytes are always an address
        }
        return List.copyOf(addresses);
    }
}
