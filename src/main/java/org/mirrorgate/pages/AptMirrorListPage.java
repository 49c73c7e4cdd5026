package org.mirrorgate.pages;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.mirrorgate.index.Availability;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.mirror.MirrorSpec;
import org.mirrorgate.rank.Reasons;
import org.mirrorgate.rank.Verdict;

/**
 * The mirror list of apt's mirror method ({@code deb mirror+http://.../mirrors.txt suite main}):
 * one {@code URI<TAB>priority:N[<TAB>key:value...]} line per mirror, lowest number tried first, ties
 * in random order (apt-transport-mirror(1)).
 *
 * <ol>
 *   <li>The mirrors a redirect of the last push's release file would take, in its order: the near
 *       group (the weighted draw) all at priority 1, so apt spreads them as the draw would, then
 *       each other accepted mirror at the next number.
 *   <li>Mirrors excluded only because their copy of that release file is outdated or missing (not
 *       synced since the push, by scan and trace): {@code type:deb}, after the fresh ones. apt takes
 *       no index from them (their InRelease and indexes are the previous generation, a "Hash Sum
 *       mismatch" against the new InRelease), but pool files, whose names never change content, and
 *       a missing one is a 404 apt steps over.
 *   <li>Mirrors excluded for any other reason (disabled, down for the scheme, the client may not use
 *       them, never scanned) are left out, as a redirect leaves them out.
 *   <li>The {@code tail}: the client's fallback, then the origin, last.
 * </ol>
 * A scanned mirror holding the package indexes of some architectures or components only is limited
 * to those with {@code arch:} (plus {@code arch:all}) and {@code component:} items.
 */
final class AptMirrorListPage {

    /** The page's reason: how Resolve's answer (and its metrics) tell a list request from other pages. */
    static final String REASON = "apt mirror list";

    private AptMirrorListPage() {}

    static Page render(MirrorRanking r, AptReleases releases, List<String> tail) {
        StringBuilder sb = new StringBuilder(128 + 96 * r.verdicts().size());
        sb.append("# mirrorgate: mirrors for this client, tried by apt lowest priority first\n");
        int next = 0; // the near group (first in the order) shares 1; every other line takes the next number
        for (Verdict v : r.verdicts()) {
            if (v.accepted() && v.weight() > 0) {
                next = 1;
                line(sb, r, releases, v.mirror(), 1, false);
            } else if (v.accepted()) {
                line(sb, r, releases, v.mirror(), ++next, false);
            }
        }
        for (Verdict v : r.verdicts()) {
            if (lagging(v)) {
                line(sb, r, releases, v.mirror(), ++next, true);
            }
        }
        for (String url : tail) {
            sb.append(url).append("\tpriority:").append(++next).append('\n');
        }
        return new Page(200, Page.TEXT, sb.toString().getBytes(StandardCharsets.UTF_8), REASON, 0);
    }

    /** The rendering of a ranking when the table holds no release file: only the tail. */
    static Page tailOnly(List<String> tail) {
        StringBuilder sb = new StringBuilder("# mirrorgate: no release file indexed; the origin only\n");
        int priority = 1;
        for (String url : tail) {
            sb.append(url).append("\tpriority:").append(priority++).append('\n');
        }
        return new Page(200, Page.TEXT, sb.toString().getBytes(StandardCharsets.UTF_8), REASON, 0);
    }

    private static boolean lagging(Verdict v) {
        String why = v.reason();
        return Reasons.FILE_OUTDATED.equals(why) || Reasons.FILE_MISSING.equals(why) || Reasons.FILE_TOO_OLD.equals(why);
    }

    private static void line(StringBuilder sb, MirrorRanking r, AptReleases releases, int m, int priority,
            boolean debOnly) {
        IndexSnapshot snap = r.snapshot();
        MirrorSpec spec = snap.spec(m);
        var base = r.https() || spec.httpUrl() == null ? spec.httpsUrl() : spec.httpUrl();
        if (base == null) {
            return;
        }
        sb.append(base).append("\tpriority:").append(priority);
        if (debOnly) {
            sb.append("\ttype:deb");
        }
        Availability a = snap.availability(m);
        if (a.scannedAtMillis() > 0) {
            limits(sb, releases, id -> snap.holdsMatching(m, id) || a.outdatedMtime(id) != Long.MIN_VALUE);
        }
        sb.append('\n');
    }

    /** {@code arch:}/{@code component:} items when the mirror holds the indexes of some but not all. */
    private static void limits(StringBuilder sb, AptReleases releases, java.util.function.IntPredicate held) {
        Set<String> archs = releases.heldValues(held, true);
        if (!archs.isEmpty() && archs.size() < releases.archs.size()) {
            archs.add("all");
            archs.forEach(x -> sb.append("\tarch:").append(x));
        }
        Set<String> comps = releases.heldValues(held, false);
        if (!comps.isEmpty() && comps.size() < releases.components.size()) {
            comps.forEach(x -> sb.append("\tcomponent:").append(x));
        }
    }
}
