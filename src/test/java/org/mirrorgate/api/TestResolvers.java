package org.mirrorgate.api;

import java.util.List;
import org.mirrorgate.geo.GeoLookup;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.Index;
import org.mirrorgate.rank.PathRules;
import org.mirrorgate.rank.RankSettings;
import org.mirrorgate.rank.Ranker;
import org.mirrorgate.resolve.ResolveSettings;
import org.mirrorgate.resolve.Resolver;
import org.mirrorgate.stats.DownloadRecorder;

/** The resolver the API tests call through gRPC: default settings over an index holding one file. */
final class TestResolvers {

    /** The file every API test asks for, 42 bytes, held by every mirror of the index. */
    static final String FILE = "pool/a.deb";

    private TestResolvers() {}

    /** Publishes {@link #FILE} into {@code index} and returns a resolver over it (no GeoIP, no stats). */
    static Resolver withOneFile(Index index) {
        FileTable.Builder b = index.snapshot().files().toBuilder();
        b.put(FILE, 42, 1_000, 1_000);
        index.publishFiles(b);
        return new Resolver(index, GeoLookup.NONE, new Ranker(RankSettings.DEFAULTS), PathRules.NONE, List.of(),
                ResolveSettings.DEFAULTS, DownloadRecorder.NONE);
    }
}
