package org.mirrorgate.rank;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.mirrorgate.geo.ClientLocation;
import org.mirrorgate.index.Availability;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.load.Admission;
import org.mirrorgate.mirror.AddressFamilies;
import org.mirrorgate.mirror.MirrorState;
import org.mirrorgate.rank.DeletedFileEvidence.Level;

/**
 * Chooses mirrors for a file and a client: filters (enabled, protocol up, holds the file as the
 * path policy requires, client restrictions), then proximity (prefix tier, then distance less the
 * tier's allowance), then a weighted random draw among the near group (capacity x score, drawn
 * per request). Distance only decides who is in the group: the closest accepted mirror's tier,
 * within {@link RankSettings#nearRadiusKm} of it (docs/ranking.md).
 *
 * <p>{@link #select} is the request path: it walks the client's cached {@link ClientPlan} and stops
 * as soon as the near group and the alternates are known, so a request usually checks a handful of
 * bitmaps, not one per mirror. {@link #explain} walks everything and says why for each mirror.
 *
 * <p>Mirrors reachable over the client's address family come first: one known to lack it (an
 * IPv4-only mirror for an IPv6 client) is chosen only when none of the others qualifies for the
 * file, never instead of one (docs/ranking.md, address families).
 *
 * <p>A mirror over its declared bandwidth keeps only a share of the requests it would get ({@link
 * #admit}): for each request it is skipped with the rest's probability, as if it lacked the file,
 * so its excess goes where a missing file would (the next members, the next tier, then distance).
 */
public final class Ranker {

    private final RankSettings settings;
    /** {@link RankSettings#allowanceKm} by tier ordinal, for the plans. */
    private final double[] allowance;
    private volatile MirrorTable table;
    private volatile Admission admission = Admission.ALL;
    /** {@link #admission} by mirror position for one mirror set; {@code keep} null when no mirror sheds. */
    private volatile KeepRow keepRow;

    private record KeepRow(long mirrorsVersion, Admission source, double[] keep) {}

    /** Samples {@link #explain} draws to give probabilities when some mirror sheds load. */
    static final int EXPLAIN_SAMPLES = 4_000;

    public Ranker(RankSettings settings) {
        this.settings = requireNonNull(settings, "settings");
        allowance = new double[Tier.values().length];
        for (Tier t : Tier.values()) {
            allowance[t.ordinal()] = settings.allowanceKm(t);
        }
    }

    public RankSettings settings() {
        return settings;
    }

    /** The shares of their requests mirrors keep from now on (the capacity governor's latest). */
    public void admit(Admission value) {
        admission = requireNonNull(value, "value");
    }

    public Admission admission() {
        return admission;
    }

    /**
     * Beyond the mirrors a selection can take (the near group and the alternates), a cached plan
     * keeps this many more, for mirrors refused on the way (file missing, protocol down).
     */
    static final int PLAN_SLACK = 16;

    /**
     * The client's mirror order for this snapshot's mirror set, for requests wanting up to {@code
     * wanted} mirrors (the target and its alternates): cut to the best {@code maxNear + wanted +
     * PLAN_SLACK}, so caching plans for many clients stays cheap. A walk past the cut is still
     * right, only slower ({@link #select} extends the plan for that request).
     */
    public ClientPlan plan(IndexSnapshot snap, InetAddress address, ClientLocation location, int wanted) {
        return ClientPlan.build(snap, table(snap), address, location, allowance, settings.maxNear() + wanted + PLAN_SLACK);
    }

    /**
     * The redirect target and up to {@code maxAlternates} alternates, or {@link Selection#EMPTY}
     * when no mirror qualifies. {@code plan} must be current for {@code snap}.
     */
    public Selection select(IndexSnapshot snap, ClientPlan plan, int fileId, PathPolicy policy, boolean https,
            int maxAlternates, RandomGenerator random) {
        MirrorTable t = table(snap);
        Selection s = selectPart(snap, t, plan, false, fileId, policy, https, maxAlternates, random);
        if (s.isEmpty() && plan.othersFamily) {
            // No mirror reachable over the client's family qualifies: one that may not be
            // reachable is still better than the origin (a dual-stack client reaches it).
            s = selectPart(snap, t, plan, true, fileId, policy, https, maxAlternates, random);
        }
        return s;
    }

    /**
     * {@link #select} among the mirrors reachable over the client's address family ({@code
     * others} false: every mirror when none lacks it), or among the rest.
     */
    private Selection selectPart(IndexSnapshot snap, MirrorTable t, ClientPlan plan, boolean others, int fileId,
            PathPolicy policy, boolean https, int maxAlternates, RandomGenerator random) {
        double[] keep = keepShares(snap);
        Selection s = selectUncut(snap, t, plan, others, fileId, policy, https, maxAlternates, random, Level.SETTLED,
                keep);
        if (s.isEmpty() && keep != null) {
            // Every mirror holding the file was skipped for load: one over its bandwidth is still
            // better than the origin, which has less.
            s = selectUncut(snap, t, plan, others, fileId, policy, https, maxAlternates, random, Level.SETTLED,
                    null);
        }
        if (snap.files().deletedAtMillis(fileId) != 0) {
            // A deleted file no settled mirror is known to hold: better than a 404 is a mirror seen
            // holding it since the deletion but in the middle of a sync (it deletes at the end),
            // then one that held it at its last scan and has not been checked since the deletion
            // (the first seconds after a push): the weaker levels, in their order.
            for (int l = Level.SETTLED.ordinal() + 1; s.isEmpty() && l < Level.values().length; l++) {
                s = selectUncut(snap, t, plan, others, fileId, policy, https, maxAlternates, random,
                        Level.values()[l], null);
            }
        }
        return s;
    }

    private Selection selectUncut(IndexSnapshot snap, MirrorTable t, ClientPlan plan, boolean others, int fileId,
            PathPolicy policy, boolean https, int maxAlternates, RandomGenerator random, Level evidence,
            double[] keep) {
        Selection s = selectFrom(snap, t, plan, others, fileId, policy, https, maxAlternates, random, evidence, keep);
        // Walked past a cut plan's end (most near mirrors lack the file): the same walk, uncut.
        return s != null ? s
                : selectFrom(snap, t, plan.complete(snap, t), others, fileId, policy, https, maxAlternates, random,
                        evidence, keep);
    }

    /**
     * As {@link #select}; null when {@code plan} is cut and its end was reached undecided. {@code
     * keep}: per mirror the share of its requests it keeps, or null when every mirror keeps all.
     */
    private Selection selectFrom(IndexSnapshot snap, MirrorTable t, ClientPlan plan, boolean others, int fileId,
            PathPolicy policy, boolean https, int maxAlternates, RandomGenerator random, Level evidence,
            double[] keep) {
        int want = 1 + maxAlternates;
        int[] picked = new int[Math.min(snap.mirrorCount(), settings.maxNear() + want)];
        String[] bases = new String[picked.length];
        // Indices into picked of the near group's members: in a mixed-tier window of the order,
        // mirrors of another tier sit between them (they are alternates, not in the draw).
        int[] members = new int[Math.min(picked.length, settings.maxNear())];
        NearGroup group = new NearGroup(settings);
        int count = 0;
        // The plan orders the mirrors of the client's family first: one part is a range of it.
        int end = others ? plan.order.length : plan.capable;
        for (int k = others ? plan.capable : 0; k < end && count < picked.length; k++) {
            int m = plan.order[k];
            String base = baseFor(t, m, https);
            if (base == null || !holds(snap, t, m, fileId, policy, evidence)) {
                continue;
            }
            if (keep != null && keep[m] < 1 && random.nextDouble() >= keep[m]) {
                continue; // over its bandwidth: this request goes where it would if the mirror lacked the file
            }
            if (group.offer(plan, k)) {
                members[group.size - 1] = count;
            } else if (count >= want) {
                continue; // past the alternates' room, only members are kept (they may win the draw)
            }
            picked[count] = m;
            bases[count++] = base;
            if (group.closed && count >= want) {
                break;
            }
        }
        // Reaching the end of the client's family is the end of that part, cut plan or not: a cut
        // keeps the best mirrors, and every mirror of the family ranks before any other.
        if (!plan.complete && end == plan.order.length && count < picked.length && !(group.closed && count >= want)) {
            return null;
        }
        if (count == 0) {
            return Selection.EMPTY;
        }
        int chosen = members[draw(t.weight, picked, members, group.size, random)];
        // Move the winner to the front; the others keep their rank order as alternates.
        int winner = picked[chosen];
        String winnerBase = bases[chosen];
        System.arraycopy(picked, 0, picked, 1, chosen);
        System.arraycopy(bases, 0, bases, 1, chosen);
        picked[0] = winner;
        bases[0] = winnerBase;
        return new Selection(picked, bases, Math.min(count, want), t.geoLabel);
    }

    /**
     * Every mirror's verdict: accepted ones in rank order with their draw probability, then the
     * rest. Mirrors lacking the client's address family are judged only when no mirror having it
     * is accepted, as {@link #select} takes them; else they are excluded for it ("no ipv6").
     */
    public List<Verdict> explain(IndexSnapshot snap, ClientPlan cached, int fileId, PathPolicy policy,
            boolean https) {
        MirrorTable t = table(snap);
        ClientPlan plan = cached.complete(snap, t);
        List<Verdict> accepted = new ArrayList<>();
        List<Verdict> excluded = new ArrayList<>();
        double groupWeight = judge(snap, t, plan, 0, plan.capable, fileId, policy, https, accepted, excluded);
        if (accepted.isEmpty()) {
            groupWeight = judge(snap, t, plan, plan.capable, plan.order.length, fileId, policy, https, accepted,
                    excluded);
        } else {
            String lacks = plan.family == AddressFamilies.V6_BIT ? Reasons.NO_IPV6
                    : Reasons.NO_IPV4;
            for (int k = plan.capable; k < plan.order.length; k++) {
                int m = plan.order[k];
                String reason = refusal(snap, t, m, fileId, policy, https, Level.SETTLED);
                excluded.add(new Verdict(m, reason != null ? reason : lacks, plan.tierAt(k), plan.kmAt(k), 0, 0));
            }
        }
        for (int i = 0; i < plan.restricted.length; i++) {
            int m = plan.restricted[i];
            excluded.add(new Verdict(m, plan.restrictionReason(i), plan.tierOf(t, m), plan.distanceOf(snap, m), 0, 0));
        }
        List<Verdict> out = new ArrayList<>(accepted.size() + excluded.size());
        double[] keep = keepShares(snap);
        double[] sampled = keep == null || !anyShedAmong(keep, accepted) ? null
                : sampledProbabilities(snap, plan, fileId, policy, https);
        for (Verdict v : accepted) {
            double p = sampled != null ? sampled[v.mirror()] : groupWeight == 0 ? 0 : v.weight() / groupWeight;
            String load = keep != null && keep[v.mirror()] < 1
                    ? admission.of(snap.spec(v.mirror()).name()).describe() : null;
            out.add(groupWeight == 0 && sampled == null ? v
                    : new Verdict(v.mirror(), null, v.tier(), v.distanceKm(), v.weight(), p, load));
        }
        out.addAll(excluded);
        return out;
    }

    /** The verdicts of {@code plan.order[from .. to)}, one part of it; returns its near group's weight. */
    private double judge(IndexSnapshot snap, MirrorTable t, ClientPlan plan, int from, int to, int fileId,
            PathPolicy policy, boolean https, List<Verdict> accepted, List<Verdict> excluded) {
        NearGroup group = new NearGroup(settings);
        double groupWeight = 0;
        Level evidence = snap.files().deletedAtMillis(fileId) == 0 ? Level.SETTLED
                : strongestEvidence(snap, t, plan, from, to, fileId, https);
        for (int k = from; k < to; k++) {
            int m = plan.order[k];
            String reason = refusal(snap, t, m, fileId, policy, https, evidence);
            if (reason != null) {
                excluded.add(new Verdict(m, reason, plan.tierAt(k), plan.kmAt(k), 0, 0));
                continue;
            }
            boolean inDraw = group.offer(plan, k);
            double w = inDraw ? t.weight[m] : 0;
            groupWeight += w;
            accepted.add(new Verdict(m, null, plan.tierAt(k), plan.kmAt(k), w, 0));
        }
        return groupWeight;
    }

    private static boolean anyShedAmong(double[] keep, List<Verdict> accepted) {
        for (Verdict v : accepted) {
            if (keep[v.mirror()] < 1) {
                return true;
            }
        }
        return false;
    }

    /**
     * With mirrors shedding load, who wins depends on which are skipped (a skipped first member
     * moves the group): the probabilities are counted over {@link #EXPLAIN_SAMPLES} draws of the
     * request path itself, with a fixed seed so that one snapshot always explains the same way.
     */
    private double[] sampledProbabilities(IndexSnapshot snap, ClientPlan plan, int fileId, PathPolicy policy,
            boolean https) {
        double[] p = new double[snap.mirrorCount()];
        SplittableRandom random = new SplittableRandom(fileId * 31L + snap.mirrorsVersion());
        for (int i = 0; i < EXPLAIN_SAMPLES; i++) {
            Selection s = select(snap, plan, fileId, policy, https, 0, random);
            if (!s.isEmpty()) {
                p[s.mirror(0)] += 1.0 / EXPLAIN_SAMPLES;
            }
        }
        return p;
    }

    /** Per mirror position, the share of its requests it keeps; null when every mirror keeps all. */
    private double[] keepShares(IndexSnapshot snap) {
        Admission a = admission;
        KeepRow row = keepRow;
        if (row == null || row.source != a || row.mirrorsVersion != snap.mirrorsVersion()) {
            double[] keep = null;
            if (a.anyShed()) {
                keep = new double[snap.mirrorCount()];
                for (int m = 0; m < keep.length; m++) {
                    keep[m] = a.share(snap.spec(m).name());
                }
            }
            row = new KeepRow(snap.mirrorsVersion(), a, keep);
            keepRow = row; // a benign race, as for the table
        }
        return row.keep;
    }

    /**
     * For a deleted file: the strongest evidence some usable mirror of {@code plan.order[from ..
     * to)} has of holding it, as {@link #select} tries them ({@link Level#LISTED} when none has).
     */
    private Level strongestEvidence(IndexSnapshot snap, MirrorTable t, ClientPlan plan, int from, int to, int fileId,
            boolean https) {
        for (Level level : Level.values()) {
            for (int k = from; k < to; k++) {
                int m = plan.order[k];
                if (baseFor(t, m, https) != null && holds(snap, t, m, fileId, PathPolicy.DEFAULT, level)) {
                    return level;
                }
            }
        }
        return Level.LISTED;
    }

    private String refusal(IndexSnapshot snap, MirrorTable t, int m, int fileId, PathPolicy policy, boolean https,
            Level evidence) {
        if (!t.enabled[m]) {
            return Reasons.DISABLED;
        }
        if (baseFor(t, m, https) == null) {
            if (https) {
                return t.httpsRefusal[m];
            }
            return settings.allowHttpToHttps() ? t.httpRefusal[m] + " / " + t.httpsRefusal[m] : t.httpRefusal[m];
        }
        return availabilityRefusal(snap, t, m, fileId, policy, evidence);
    }

    /** The base URL to use for mirror {@code m}, or null when it cannot take this request at all. */
    private String baseFor(MirrorTable t, int m, boolean https) {
        if (!t.enabled[m]) {
            return null;
        }
        if (https) {
            return t.httpsRefusal[m] == null ? t.httpsBase[m] : null;
        }
        if (t.httpRefusal[m] == null) {
            return t.httpBase[m];
        }
        return settings.allowHttpToHttps() && t.httpsRefusal[m] == null ? t.httpsBase[m] : null;
    }

    /**
     * True when mirror {@code m} holds file {@code id} as {@code policy} requires. The one rule for
     * it: the request path asks only this, and {@link #availabilityRefusal} names the reason when
     * it is false. A mirror's outdated copies are only looked up when the policy could accept one
     * (the lookup is a binary search over the mirror's outdated ids, a few cache misses under load).
     */
    private boolean holds(IndexSnapshot snap, MirrorTable t, int m, int id, PathPolicy policy, Level evidence) {
        long deletedAt = snap.files().deletedAtMillis(id);
        if (t.trusted[m]) {
            return deletedAt == 0;
        }
        if (deletedAt != 0) {
            return DeletedFileEvidence.holds(evidence, snap, m, id, deletedAt);
        }
        if (snap.holdsMatching(m, id) || syncedSinceChange(snap, m, id)) {
            return true;
        }
        return policy.kind() == PathPolicy.Kind.ALLOW_OUTDATED
                && recentEnough(snap.files(), id, snap.availability(m).outdatedMtime(id), policy);
    }

    /**
     * Whether mirror {@code m} holds a current copy of file {@code id} as the ranking sees it (a
     * matching copy in its last scan, a trace file newer than the file, or trust), whatever the
     * policy and the client: what {@code ?fileinfo} shows. Not for the request path.
     */
    public boolean holdsCurrent(IndexSnapshot snap, int m, int id) {
        if (snap.spec(m).trusted()) {
            return !snap.files().isDeleted(id);
        }
        return snap.holdsMatching(m, id) || syncedSinceChange(snap, m, id);
    }

    /** Null when mirror {@code m} holds file {@code id} as {@code policy} requires ({@link #holds}), else why not. */
    private String availabilityRefusal(IndexSnapshot snap, MirrorTable t, int m, int id, PathPolicy policy,
            Level evidence) {
        if (holds(snap, t, m, id, policy, evidence)) {
            return null;
        }
        if (t.trusted[m]) {
            return Reasons.FILE_DELETED;
        }
        Availability a = snap.availability(m);
        long deletedAt = snap.files().deletedAtMillis(id);
        if (deletedAt != 0 && snap.holdsMatching(m, id)) {
            if (snap.state(m).traceSyncMillis() >= deletedAt) {
                return Reasons.SYNCED_SINCE_DELETION;
            }
            if (DeletedFileEvidence.deletionsSeenApplied(snap, m, deletedAt)) {
                return Reasons.DELETED_SINCE_SCAN;
            }
            return DeletedFileEvidence.heldSinceDeletion(snap, m, id, deletedAt) ? Reasons.MID_SYNC : Reasons.NOT_CHECKED_SINCE_DELETION;
        }
        long mirrorMtime = a.outdatedMtime(id);
        if (policy.kind() == PathPolicy.Kind.ALLOW_OUTDATED && mirrorMtime != Long.MIN_VALUE) {
            return Reasons.FILE_TOO_OLD;
        }
        if (a.scannedAtMillis() == 0) {
            return Reasons.NOT_SCANNED;
        }
        return mirrorMtime != Long.MIN_VALUE ? Reasons.FILE_OUTDATED : Reasons.FILE_MISSING;
    }

    /**
     * With trace-freshness on: the mirror's trace shows a sync after the file changed (the next
     * scan will confirm). That trace counts when the mirror's last scan predates the change, or
     * when the credit was given after that scan: a scan between a push and the mirror's sync found
     * the file missing, and the trace read since (confirmed by a HEAD) is newer evidence.
     */
    private boolean syncedSinceChange(IndexSnapshot snap, int m, int id) {
        FileTable files = snap.files();
        if (!settings.traceFreshness()) {
            return false;
        }
        long changed = files.changedAtMillis(id);
        Availability a = snap.availability(m);
        MirrorState st = snap.state(m);
        return st.traceSyncMillis() >= changed
                && (a.scannedAtMillis() < changed || st.traceCreditMillis() > a.scannedAtMillis())
                && a.coverage() >= settings.traceMinCoverage();
    }

    /** An outdated copy ({@code mirrorMtime}, MIN_VALUE for none) within the policy's allowed lag. */
    private static boolean recentEnough(FileTable files, int id, long mirrorMtime, PathPolicy policy) {
        if (mirrorMtime == Long.MIN_VALUE || mirrorMtime < 0) {
            return false;
        }
        long lag = files.mtimeMillis(id) - mirrorMtime;
        return lag >= 0 && lag <= policy.outdatedMillis();
    }

    /** The index into {@code members} of the winner, drawn by weight. */
    private static int draw(double[] weight, int[] picked, int[] members, int groupSize, RandomGenerator random) {
        if (groupSize <= 1) {
            return 0;
        }
        double total = 0;
        for (int i = 0; i < groupSize; i++) {
            total += weight[picked[members[i]]];
        }
        double r = random.nextDouble() * total;
        for (int i = 0; i < groupSize; i++) {
            r -= weight[picked[members[i]]];
            if (r < 0) {
                return i;
            }
        }
        return groupSize - 1;
    }

    private MirrorTable table(IndexSnapshot snap) {
        MirrorTable t = table;
        if (t == null || t.mirrorsVersion != snap.mirrorsVersion()) {
            t = new MirrorTable(snap);
            table = t; // a benign race: two threads may both build it; either result is right
        }
        return t;
    }
}
