package org.mirrorgate.api;

import java.util.List;
import org.mirrorgate.geo.GeoLookup;
import org.mirrorgate.index.Digest;
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
    /** A second file, held by every mirror too, whose SHA-256 is known: {@link #HASHED_SHA256}. */
    static final String HASHED = "pool/hashed.deb";
    static final byte[] HASHED_SHA256 = new byte[32];

    static {
        for (int i = 0; i < 32; i++) {
            HASHED_SHA256[i] = (byte) (i * 9 + 250);
        }
    }

    private TestResolvers() {}

    /** Publishes {@link #FILE} into {@code index} and returns a resolver over it (no GeoIP, no stats). */
    static Resolver withOneFile(Index index) {
        FileTable.Builder b = index.snapshot().files().toBuilder().keepDigest(Digest.SHA256);
        b.put(FILE, 42, 1_000, 1_000);
        b.setDigest(b.put(HASHED, 7, 1_000, 1_000), Digest.SHA256, HASHED_SHA256);
        index.publishFiles(b);
        return new Resolver(index, GeoLookup.NONE, new Ranker(RankSettings.DEFAULTS), PathRules.NONE, List.of(),
                ResolveSettings.DEFAULTS, DownloadRecorder.NONE);
    }
}
