package org.mirrorgate.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mirrorgate.geo.GeoSettings;
import org.mirrorgate.index.Digest;
import org.mirrorgate.mirror.MirrorSpec;
import org.mirrorgate.pages.PageSettings;
import org.mirrorgate.rank.PathRules;
import org.mirrorgate.rank.RankSettings;
import org.mirrorgate.repo.RepositorySettings;
import org.mirrorgate.resolve.Fallback;
import org.mirrorgate.resolve.ResolveSettings;
import org.mirrorgate.scan.PerMirrorScanSettings;
import org.mirrorgate.scan.ScanSettings;
import org.mirrorgate.store.StoreSettings;

/**
 * The whole configuration, typed and validated; built only by {@link ConfigLoader}. Each part is
 * its domain's settings record, and each record holds its defaults in its {@code DEFAULTS} constant
 * (the records here too: {@link Listen#DEFAULTS}); the commented sample {@code
 * deploy/mirrorgate.yaml} shows every key at that default.
 */
public record MirrorgateConfig(
        Repository repository,
        Listen listen,
        Path adminTokenFile,
        ResolveSettings resolve,
        RankSettings rank,
        GeoSettings geo,
        PathRules policies,
        List<Fallback> fallbacks,
        List<MirrorSpec> mirrors,
        ScanSettings scan,
        Map<String, PerMirrorScanSettings> mirrorScans,
        StoreSettings store,
        PageSettings pages) {

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

    /**
     * Where the service listens; a port of 0 picks a free one.
     *
     * @param metrics null when metrics are off
     * @param grpcSocket a Unix socket gRPC also listens on (for an Nginx on the same host), or null
     */
    public record Listen(HostPort grpc, HostPort metrics, Path grpcSocket) {
        /** gRPC on 127.0.0.1:7390, metrics on 127.0.0.1:9390, no Unix socket. */
        public static final Listen DEFAULTS = new Listen(new HostPort("127.0.0.1", 7390),
                new HostPort("127.0.0.1", 9390), null);
    }

    public record HostPort(String host, int port) {
        @Override
        public String toString() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }
}
