package org.mirrorgate.pages;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.util.List;
import org.mirrorgate.geo.ClientLocation;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.rank.PathPolicy;
import org.mirrorgate.rank.Verdict;

/**
 * One file's mirrors as ranked for one client, the data pages about a file are drawn from: the
 * file in the snapshot the decision read, the client's location, the path policy, and every
 * mirror's verdict ({@code Ranker.explain}: accepted best first, then the excluded with their
 * reason). Pages take this value, never the resolver that built it, so they can grow (HTML, JSON)
 * without reaching back into the request path.
 *
 * @param https whether the request came over https (URLs offered are then https only)
 */
public record MirrorRanking(IndexSnapshot snapshot, int fileId, ClientLocation client, PathPolicy policy,
        boolean https, List<Verdict> verdicts) {

    public MirrorRanking {
        requireNonNull(snapshot, "snapshot");
        requireNonNull(client, "client");
        requireNonNull(policy, "policy");
        verdicts = List.copyOf(verdicts);
        checkArgument(fileId >= 0, "fileId: %s (expected: >= 0)", fileId);
    }
}
