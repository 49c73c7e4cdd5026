package org.mirrorgate.resolve;

import java.util.List;
import org.mirrorgate.geo.ClientLocation;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.rank.PathPolicy;
import org.mirrorgate.rank.Verdict;

/**
 * Why Resolve decides what it decides, for Explain and the mirror list.
 *
 * @param relativePath null when the path lies outside the repository
 * @param fileId -1 when the path is not a known file
 * @param policy null when the path is not a known file
 */
public record Explanation(
        IndexSnapshot snapshot,
        String clientIp,
        ClientLocation client,
        String relativePath,
        int fileId,
        PathPolicy policy,
        List<Verdict> verdicts,
        Decision decision) {}
