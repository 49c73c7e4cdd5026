package org.mirrorgate.resolve;

import static java.util.Objects.requireNonNull;

import com.google.common.base.Ticker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;
import java.util.function.Supplier;
import org.mirrorgate.geo.ClientLocation;
import org.mirrorgate.geo.GeoLookup;
import org.mirrorgate.geo.IpAddresses;
import org.mirrorgate.index.Digest;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.Index;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.load.Admission;
import org.mirrorgate.mirror.UrlPaths;
import org.mirrorgate.pages.AptMirrorLists;
import org.mirrorgate.pages.MirrorRanking;
import org.mirrorgate.pages.Page;
import org.mirrorgate.pages.PageCache;
import org.mirrorgate.pages.PageRequest;
import org.mirrorgate.pages.PageSettings;
import org.mirrorgate.pages.PageTemplates;
import org.mirrorgate.pages.Pages;
import org.mirrorgate.rank.ClientPlan;
import org.mirrorgate.rank.PathPolicy;
import org.mirrorgate.rank.PathRules;
import org.mirrorgate.rank.Ranker;
import org.mirrorgate.rank.Selection;
import org.mirrorgate.stats.DownloadRecorder;
import org.mirrorgate.stats.DownloadTotals;

/**
 * The decision for one download: validates the request, finds the file, applies its path policy,
 * ranks the mirrors, and falls back (fallback servers, then local serving) when none qualifies.
 * A request for a generated body is dispatched to {@link Pages} with the data it is drawn from (a
 * {@link MirrorRanking}); pages never call back here.
 *
 * <p>Runs on the gRPC transport thread: it reads one snapshot, never locks, never does I/O; the
 * only allocation beyond the answer is the selection's two small arrays.
 */
public final class Resolver {

    private final Index index;
    private final Ranker ranker;
    private final PathRules rules;
    private final FallbackChoice fallbacks;
    private final ResolveSettings settings;
    private final DownloadRecorder downloads;
    private final DecisionListener decisions;
    private final ClientPlanCache plans;
    private final OutsidePrefix outsidePrefix;
    /** Null when no {@code apt-mirror-list} is configured. */
    private final AptMirrorLists aptLists;
    private final String aptListPath;
    private final PageTemplates templates;
    private final PageSettings pageSettings;
    /** Null: {@link ThreadLocalRandom}; else what {@link #drawingFrom} set (a replay's seeded draws). */
    private final RandomGenerator random;
    /** Every generated page, for a second: a crawler cannot turn pages into load (docs/pages.md). */
    private final PageCache pageCache;
    /** Today's and this month's downloads per mirror, read off the request path ({@code ?mirrorstats}). */
    private final Supplier<DownloadTotals.Snapshot> totals;

    public Resolver(Index index, GeoLookup geo, Ranker ranker, PathRules rules, List<Fallback> fallbacks,
            ResolveSettings settings, DownloadRecorder downloads) {
        this(index, geo, ranker, rules, fallbacks, settings, downloads, PageSettings.DEFAULTS);
    }

    /** @param pages the HTML pages' templates (the operator's {@code pages.templates}) and who may use {@code fromip} */
    public Resolver(Index index, GeoLookup geo, Ranker ranker, PathRules rules, List<Fallback> fallbacks,
            ResolveSettings settings, DownloadRecorder downloads, PageSettings pages) {
        this(index, geo, ranker, rules, fallbacks, settings, downloads, pages, DecisionListener.NONE);
    }

    /** @param decisions told of every decision (the download log) */
    public Resolver(Index index, GeoLookup geo, Ranker ranker, PathRules rules, List<Fallback> fallbacks,
            ResolveSettings settings, DownloadRecorder downloads, PageSettings pages, DecisionListener decisions) {
        this(index, geo, ranker, rules, fallbacks, settings, downloads, pages, decisions, () -> DownloadTotals.Snapshot.NONE);
    }

    /** @param totals the download totals {@code ?mirrorstats} shows: an in-memory snapshot, never a store read */
    public Resolver(Index index, GeoLookup geo, Ranker ranker, PathRules rules, List<Fallback> fallbacks,
            ResolveSettings settings, DownloadRecorder downloads, PageSettings pages, DecisionListener decisions,
            Supplier<DownloadTotals.Snapshot> totals) {
        this.totals = requireNonNull(totals, "totals");
        this.pageCache = newPageCache();
        this.decisions = requireNonNull(decisions, "decisions");
        this.pageSettings = requireNonNull(pages, "pages");
        this.templates = templatesOf(pages);
        this.index = requireNonNull(index, "index");
        this.ranker = requireNonNull(ranker, "ranker");
        this.rules = requireNonNull(rules, "rules");
        this.fallbacks = new FallbackChoice(fallbacks, ranker.settings().allowHttpToHttps());
        this.settings = requireNonNull(settings, "settings");
        this.downloads = requireNonNull(downloads, "downloads");
        this.plans = new ClientPlanCache(settings.clientCacheSize(), requireNonNull(geo, "geo"), ranker,
                1 + settings.maxAlternates());
        this.outsidePrefix = new OutsidePrefix(settings.urlPrefix(), System::nanoTime);
        this.aptListPath = settings.aptListPath();
        this.aptLists = aptListPath == null ? null : newAptLists();
        this.random = null;
    }

    /**
     * A copy of {@code base} with the given parts: {@link #uncounted()} drops the counting and keeps
     * every cache; {@link #retuned} keeps the counting and starts the caches that depend on the
     * ranking anew; {@link #drawingFrom} keeps everything but the random draw.
     */
    private Resolver(Resolver base, Ranker ranker, PathRules rules, FallbackChoice fallbacks, PageSettings pages,
            PageTemplates templates, DownloadRecorder downloads, DecisionListener decisions, ClientPlanCache plans,
            AptMirrorLists aptLists, RandomGenerator random, PageCache pageCache) {
        this.index = base.index;
        this.ranker = ranker;
        this.rules = rules;
        this.fallbacks = fallbacks;
        this.settings = base.settings;
        this.downloads = downloads;
        this.decisions = decisions;
        this.plans = plans;
        this.random = random;
        this.outsidePrefix = base.outsidePrefix;
        this.aptLists = aptLists;
        this.aptListPath = base.aptListPath;
        this.templates = templates;
        this.pageSettings = pages;
        this.pageCache = pageCache;
        this.totals = base.totals;
    }

    /**
     * The same decisions, on the same caches, but neither counted as downloads nor told to the
     * {@link DecisionListener}: for the service's synthetic warm-up calls, which must not show in
     * the statistics or the download log.
     */
    public Resolver uncounted() {
        return new Resolver(this, ranker, rules, fallbacks, pageSettings, templates, DownloadRecorder.NONE,
                DecisionListener.NONE, plans, aptLists, random, pageCache);
    }

    /**
     * This resolver with a reloaded config's ranking, path policies, fallbacks and pages (the
     * operator's templates read anew); the index, the counting and the {@code resolve:} settings
     * stay. The client plans, apt lists and cached pages are made anew: they hold the old config's choices.
     * {@code ranker} should carry the running one's {@link Ranker#admission()}.
     */
    public Resolver retuned(Ranker ranker, PathRules rules, List<Fallback> fallbacks, PageSettings pages) {
        requireNonNull(ranker, "ranker");
        return new Resolver(this, ranker, requireNonNull(rules, "rules"),
                new FallbackChoice(fallbacks, ranker.settings().allowHttpToHttps()), requireNonNull(pages, "pages"),
                templatesOf(pages), downloads, decisions, plans.emptyFor(ranker),
                aptListPath == null ? null : newAptLists(), random, newPageCache());
    }

    /** The caches of one config's answers: a new resolver starts them empty. */
    private static PageCache newPageCache() {
        return new PageCache(PAGE_TTL, 10_000, Ticker.systemTicker());
    }

    private static AptMirrorLists newAptLists() {
        return new AptMirrorLists(APT_LIST_TTL_NANOS, 4096, System::nanoTime);
    }

    private static PageTemplates templatesOf(PageSettings pages) {
        return pages.templates() == null ? PageTemplates.BUILT_IN : new PageTemplates(pages.templates(), System::nanoTime);
    }

    /** The fallbacks of this resolver's config, in order. */
    public List<Fallback> fallbacks() {
        return fallbacks.fallbacks();
    }

    /** The ranking this resolver decides with (a reload hands its admission on to the next one). */
    public Ranker ranker() {
        return ranker;
    }

    /**
     * The same resolver (counting and telling as it does) drawing among the near group from {@code
     * random} instead of {@link ThreadLocalRandom}: a replay (single-threaded) seeds it per request
     * so that two configs with the same group draw the same mirror, and only real changes count.
     */
    public Resolver drawingFrom(RandomGenerator random) {
        return new Resolver(this, ranker, rules, fallbacks, pageSettings, templates, downloads, decisions,
                plans, aptLists, requireNonNull(random, "random"), pageCache);
    }

    /** How long an apt mirror list is reused for one client location: short, so a lagging mirror comes back soon. */
    private static final byte[] FROMIP_REFUSED = ("fromip: not allowed from this address (the operator lists who may "
            + "use it in pages.fromip-clients)\n").getBytes(StandardCharsets.UTF_8);

    static final long APT_LIST_TTL_NANOS = 10_000_000_000L;

    /** How long a generated page is answered from {@link #pageCache}. */
    static final Duration PAGE_TTL = Duration.ofSeconds(1);

    /**
     * @param method "GET", "HEAD", ...; "" means GET
     * @param query the raw query string without '?', "" for none
     * @throws InvalidRequestException malformed path or client address
     * @throws NotReadyException the local tree has not been indexed yet
     */
    public Decision resolve(String path, String clientIp, boolean https, String method, String query)
            throws InvalidRequestException, NotReadyException {
        return resolve(path, clientIp, https, method, query, false);
    }

    /** @param wantsJson the request's Accept header asks for application/json (pages answer JSON then) */
    public Decision resolve(String path, String clientIp, boolean https, String method, String query,
            boolean wantsJson) throws InvalidRequestException, NotReadyException {
        return resolve(path, clientIp, https, method, query, wantsJson ? "application/json" : "");
    }

    /**
     * @param accept the request's Accept header, "" for none: a page that has an HTML and a JSON
     *     form answers JSON when it prefers application/json ({@link PageRequest#ofQuery(String, String)})
     */
    public Decision resolve(String path, String clientIp, boolean https, String method, String query,
            String accept) throws InvalidRequestException, NotReadyException {
        IndexSnapshot snap = readySnapshot();
        String rel = RequestPath.relative(path, settings.urlPrefix());
        ClientPlan plan = plans.plan(snap, clientIp);
        Decision d = answer(snap, rel, plan, path, clientIp, https, method, query, accept);
        decisions.decided(path, clientIp, plan.location(), d);
        return d;
    }

    private Decision answer(IndexSnapshot snap, String rel, ClientPlan plan, String path, String clientIp,
            boolean https, String method, String query, String accept) {
        if (rel == null) {
            // Never a 404 of ours: nginx routed the request through the hook, so it serves the
            // path as it would without mirrorgate. A prefix that disagrees with nginx's location
            // would otherwise turn every request into a silent 404; it is logged and counted.
            outsidePrefix.seen(path);
            return Decision.serveLocal(Decision.OUTSIDE_PREFIX, 0);
        }
        boolean get = method.isEmpty() || method.equals("GET");
        if (!get && !method.equals("HEAD")) {
            return Decision.serveLocal("method " + method, 0);
        }
        PageRequest page = query.isEmpty() ? null : PageRequest.ofQuery(query, accept);
        if (aptLists != null && (rel.equals(aptListPath) || rel.isEmpty() && page == PageRequest.APT_MIRROR_LIST)) {
            if (get) {
                downloads.recordList("apt"); // a list request, not a download
            }
            return aptList(snap, plan, clientIp, https);
        }
        if (rel.equals(pageSettings.mirrorsJson())) {
            return content(pageCache.get(new PageCache.Key(PageRequest.MIRRORS_JSON, "", "", false),
                    () -> Pages.mirrorsJson(snap)));
        }
        FileTable files = snap.files();
        int id = rel.isEmpty() || rel.endsWith("/") ? -1 : files.idOf(rel);
        if (page != null && page.isMirrorStats() && (id >= 0 || isDirectory(snap, rel))) {
            return content(pageCache.get(new PageCache.Key(page, "", "", false), () -> Pages.mirrorStats(snap,
                    totals.get(), templates, page.kind() == PageRequest.Kind.MIRROR_STATS_JSON)));
        }
        if (id < 0) {
            if (page != null && page.isFileInfo()) {
                // never nginx's own answer: a directory would be listed, an absent file a bare 404
                boolean dir = rel.isEmpty() || rel.endsWith("/") || files.isDirectory(rel + "/");
                Page p = Pages.fileInfoUnknown(rel, dir ? "a directory, not a file" : "not a file mirrorgate knows",
                        page.kind() == PageRequest.Kind.FILE_INFO_JSON);
                return Decision.content(p.httpStatus(), p.contentType(), p.body(), p.reason(), 0);
            }
            return notAFile(snap, plan, rel, https, clientIp);
        }
        if (page != null) {
            String fromip = page.isMirrorList() ? PageRequest.fromip(query) : null;
            if (fromip != null) {
                if (!pageSettings.mayUseFromip(IpAddresses.parse(clientIp))) {
                    return Decision.content(403, Page.TEXT, FROMIP_REFUSED, "fromip refused", 0);
                }
                try {
                    return page(page, snap, plans.plan(snap, fromip), id, https, fromip);
                } catch (InvalidRequestException e) {
                    return Decision.content(400, Page.TEXT, ("fromip: " + e.getMessage() + "\n")
                            .getBytes(StandardCharsets.UTF_8), "fromip invalid", 0);
                }
            }
            return page(page, snap, plan, id, https, clientIp);
        }
        Decision d = decide(snap, plan, id, https);
        // A download is counted when it is served for sure: not a 404, and not a local answer for a
        // file the last walk found missing (nginx will most likely answer 404 itself).
        if (get && (d.action() == Decision.Action.REDIRECT
                || d.action() == Decision.Action.SERVE_LOCAL && !files.isDeleted(id))) {
            downloads.record(clientIp, rel, d.mirror(), plan.location().country(), d.fileSize());
        }
        return d;
    }

    /** How {@link #resolve} would treat the request, with every mirror's verdict. */
    public Explanation explain(String path, String clientIp, boolean https)
            throws InvalidRequestException, NotReadyException {
        IndexSnapshot snap = readySnapshot();
        String rel = RequestPath.relative(path, settings.urlPrefix());
        ClientPlan plan = plans.plan(snap, clientIp);
        int id = rel == null || rel.isEmpty() || rel.endsWith("/") ? -1 : snap.files().idOf(rel);
        if (id < 0) {
            Decision d = rel == null ? Decision.serveLocal(Decision.OUTSIDE_PREFIX, 0)
                    : notAFile(snap, plan, rel, https, clientIp);
            return new Explanation(snap, clientIp, plan.location(), rel, -1, null, List.of(), d);
        }
        MirrorRanking r = ranking(snap, plan, id, https);
        return new Explanation(snap, clientIp, plan.location(), rel, id, r.policy(), r.verdicts(),
                decide(snap, plan, id, https));
    }

    /** Every mirror's verdict for this file and client: what Explain, the mirror list and Metalink show. */
    private MirrorRanking ranking(IndexSnapshot snap, ClientPlan plan, int id, boolean https) {
        PathPolicy policy = policyOf(snap.files(), id);
        return new MirrorRanking(snap, id, plan.location(), policy, https, ranker.explain(snap, plan, id, policy, https));
    }

    /** The generated body {@code page} names, drawn from the data it needs (the ranking only when it shows one). */
    private Decision page(PageRequest page, IndexSnapshot snap, ClientPlan plan, int id, boolean https,
            String clientIp) {
        return content(pageCache.get(new PageCache.Key(page, snap.files().path(id), clientIp, https),
                () -> render(page, snap, plan, id, https, clientIp)));
    }

    private static Decision content(Page p) {
        return Decision.content(p.httpStatus(), p.contentType(), p.body(), p.reason(), p.fileSize());
    }

    private Page render(PageRequest page, IndexSnapshot snap, ClientPlan plan, int id, boolean https,
            String clientIp) {
        return switch (page.kind()) {
            case CHECKSUM -> Pages.checksum(snap.files(), id, page.digest());
            case MIRROR_LIST, APT_MIRROR_LIST -> Pages.mirrorList(ranking(snap, plan, id, https));
            case METALINK -> Pages.metalink(ranking(snap, plan, id, https));
            case MIRROR_LIST_HTML, MIRROR_LIST_JSON -> Pages.mirrorList(ranking(snap, plan, id, https), clientIp,
                    templates, page.kind() == PageRequest.Kind.MIRROR_LIST_JSON);
            case FILE_INFO_HTML, FILE_INFO_JSON -> Pages.fileInfo(snap, id, policyOf(snap.files(), id), https,
                    m -> ranker.holdsCurrent(snap, m, id), templates, page.kind() == PageRequest.Kind.FILE_INFO_JSON);
            case MIRROR_STATS_HTML, MIRROR_STATS_JSON, MIRRORS_JSON -> throw new IllegalArgumentException(
                    "page: " + page.kind() + " (expected: a page about one file)"); // answered before, a bug
        };
    }

    /**
     * apt's mirror-method list for this client: the ranking a redirect of the last push's release
     * file would use, then the client's fallback and the origin (the {@code apt-mirror-list} URL's host).
     */
    private Decision aptList(IndexSnapshot snap, ClientPlan plan, String clientIp, boolean https) {
        Fallback f = fallbacks.forClient(plan.location(), https);
        String origin = settings.aptOrigin(https);
        List<String> tail = f == null ? List.of(origin) : List.of(fallbacks.baseFor(f, https), origin);
        // Lists are shared by a location's clients unless the ranking depends on more: the address
        // (a declared prefix holds it) or its family (some mirror lacks it).
        Page p = aptLists.page(snap, plan.location(), plan.inDeclaredPrefix() ? clientIp : plan.familyKey(), https,
                id -> ranking(snap, plan, id, https), tail);
        return Decision.content(p.httpStatus(), p.contentType(), p.body(), Decision.APT_MIRROR_LIST, p.fileSize());
    }

    /** A path that is no known file: a directory (nginx lists it), or {@link #unindexed}. */
    private Decision notAFile(IndexSnapshot snap, ClientPlan plan, String rel, boolean https, String clientIp) {
        // Files first: the directory check costs a string and a hash lookup most requests skip.
        if (isDirectory(snap, rel)) {
            return Decision.serveLocal("directory", 0);
        }
        return unindexed(snap, plan, rel, https, clientIp);
    }

    private static boolean isDirectory(IndexSnapshot snap, String rel) {
        return rel.isEmpty() || rel.endsWith("/") || snap.files().isDirectory(rel + "/");
    }

    /**
     * A path the index does not hold as a file: the metalink when it is {@code <known file>.meta4}; else
     * SERVE_LOCAL, never a 404 of ours. The file may have been added since the last local walk,
     * and nginx reads the disk as it is now: it serves the file, or answers its own 404. The one
     * exception is a path that is {@code mirror-only} whatever its size (the size is unknown): local
     * serving is refused by the operator, and no mirror is known to hold a file the index lacks,
     * so it is treated as a known file no mirror holds: a fallback, else NOT_FOUND.
     */
    private Decision unindexed(IndexSnapshot snap, ClientPlan plan, String rel, boolean https, String clientIp) {
        String target = PageRequest.metalinkTarget(rel);
        int id = target == null ? -1 : snap.files().idOf(target);
        if (id >= 0) {
            return page(PageRequest.METALINK, snap, plan, id, https, clientIp);
        }
        if (rules.policyFor(rel, 0).kind() == PathPolicy.Kind.MIRROR_ONLY
                && rules.policyFor(rel, Long.MAX_VALUE).kind() == PathPolicy.Kind.MIRROR_ONLY) {
            Fallback f = fallbacks.forClient(plan.location(), https);
            return f != null ? fallbackRedirect(f, rel, https, 0) : Decision.notFound("mirror-only, not indexed");
        }
        return Decision.serveLocal(Decision.NOT_INDEXED, 0);
    }

    Decision decide(IndexSnapshot snap, ClientPlan plan, int id, boolean https) {
        FileTable files = snap.files();
        long size = files.size(id);
        PathPolicy policy = policyOf(files, id);
        // Deleted means "missing at the last local walk", never "missing now": the file may be back
        // since, and nginx reads the disk as it is. So a deleted file no mirror may serve is left to
        // nginx (its own 404 if it is truly gone), as it will be once purged from the index; only
        // mirror-only, which forbids local serving, still answers NOT_FOUND. No fallback for it: a
        // server mirroring the origin most likely dropped the file too.
        boolean deleted = files.isDeleted(id);
        if (policy.kind() == PathPolicy.Kind.LOCAL) {
            return deleted ? Decision.serveLocal(Decision.DELETED, 0) : Decision.serveLocal("path policy local", size);
        }
        Selection s = ranker.select(snap, plan, id, policy, https, settings.maxAlternates(),
                random == null ? ThreadLocalRandom.current() : random);
        if (!s.isEmpty()) {
            return redirect(snap, s, id, size, deleted ? "deleted, mirror still holds it" : "mirror");
        }
        if (deleted && policy.kind() != PathPolicy.Kind.MIRROR_ONLY) {
            return Decision.serveLocal(Decision.DELETED + ", no mirror holds it", 0);
        }
        Fallback f = deleted ? null : fallbacks.forClient(plan.location(), https);
        if (f != null) {
            String rel = files.path(id);
            byte[] sha = files.digest(id, Digest.SHA256);
            return Decision.redirect(UrlPaths.url(fallbacks.baseFor(f, https), rel), List.of(), f.name(), "fallback", size, sha,
                    sha == null ? "" : metalinkPath(UrlPaths.encode(rel)));
        }
        if (policy.kind() == PathPolicy.Kind.MIRROR_ONLY) {
            return Decision.notFound("mirror-only, no mirror holds it");
        }
        return Decision.serveLocal("no eligible mirror", size);
    }

    private PathPolicy policyOf(FileTable files, int id) {
        return rules.policyFor(files.path(id), files.size(id));
    }

    private Decision redirect(IndexSnapshot snap, Selection s, int id, long size, String reason) {
        FileTable files = snap.files();
        String encoded = UrlPaths.encode(files.path(id)); // once, not once per mirror
        List<Decision.Alternate> alternates = new ArrayList<>(s.size() - 1);
        for (int i = 1; i < s.size(); i++) {
            alternates.add(new Decision.Alternate(s.baseUrl(i).concat(encoded), i, s.geoLabel(i),
                    snap.spec(s.mirror(i)).name()));
        }
        byte[] sha = files.digest(id, Digest.SHA256);
        return Decision.redirect(s.baseUrl(0).concat(encoded), alternates, snap.spec(s.mirror(0)).name(),
                reason, size, sha, sha == null ? "" : metalinkPath(encoded));
    }

    /** The request path of a file's Metalink ({@code <file>.meta4}, which {@link #unindexed} answers). */
    private String metalinkPath(String encodedRel) {
        return settings.urlPrefix().concat(encodedRel).concat(".meta4");
    }

    private Decision fallbackRedirect(Fallback f, String rel, boolean https, long size) {
        return Decision.redirect(UrlPaths.url(fallbacks.baseFor(f, https), rel), List.of(), f.name(), "fallback", size);
    }

    private IndexSnapshot readySnapshot() throws NotReadyException {
        IndexSnapshot snap = index.snapshot();
        if (!snap.ready()) {
            throw new NotReadyException("the local repository has not been indexed yet");
        }
        return snap;
    }

    /** The shares of their requests mirrors over their bandwidth keep (docs/ranking.md, capacity). */
    public Admission admission() {
        return ranker.admission();
    }
}
