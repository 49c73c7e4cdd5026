package org.mirrorgate.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mirrorgate.index.Digest;
import org.mirrorgate.mirror.MirrorSpec;
import org.mirrorgate.rank.PathRules;
import org.mirrorgate.rank.RankSettings;
import org.mirrorgate.repo.RepositorySettings;
import org.mirrorgate.resolve.Fallback;
import org.mirrorgate.resolve.ResolveSettings;
import org.mirrorgate.scan.PerMirrorScanSettings;
import org.mirrorgate.scan.ScanSettings;
import org.mirrorgate.store.StoreSettings;

/**
 * The whole configuration, typed and validated; built only by {@link ConfigLoader}. Defaults live
 * in the loader, in one place, and in the commented sample {@code deploy/mirrorgate.yaml}.
 */
public record MirrorgateConfig(
        Repository repository,
        Listen listen,
        Path adminTokenFile,
        ResolveSettings resolve,
        RankSettings rank,
        Geo geo,
        PathRules policies,
        List<Fallback> fallbacks,
        List<MirrorSpec> mirrors,
        ScanSettings scan,
        Map<String, PerMirrorScanSettings> mirrorScans,
        StoreSettings store,
        ConfigNode root) {

    /** The local copy of the archive: where it is and how it is walked. */
    public record Repository(RepositorySettings scan) {
        public Path root() {
            return scan.root();
        }

        public Duration scanInterval() {
            return scan.interval();
        }

        public Duration deletedGrace() {
            return scan.deletedGrace();
        }

        public Set<Digest> digests() {
            return scan.digests();
        }
    }

    /** Where the service listens; a port of 0 picks a free one, a null metrics address turns it off. */
    /**
     * @param grpcSocket a Unix socket gRPC also listens on (for an Nginx on the same host), or null
     * @param metrics null when metrics are off
     */
    public record Listen(HostPort grpc, HostPort metrics, Path grpcSocket) {}

    /** GeoIP databases; empty lists / null mean none. */
    public record Geo(List<Path> cityDatabases, Path asnDatabase, int cacheSize, Duration reloadInterval) {}

    public record HostPort(String host, int port) {
        @Override
        public String toString() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }
}
