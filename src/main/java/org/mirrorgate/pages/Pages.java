package org.mirrorgate.pages;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.function.IntPredicate;
import org.mirrorgate.index.Digest;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.rank.PathPolicy;
import org.mirrorgate.stats.DownloadTotals;

/**
 * The generated bodies (Resolve's CONTENT): mirror list, mirror statistics, the public mirror list,
 * file info, checksums, Metalink, and apt's mirror-method list ({@link AptMirrorLists}, which keeps
 * them per client location); {@link PageCache} keeps any of them for a second. Each page is drawn
 * from data handed in (the file table, or a {@link MirrorRanking}), never from the resolver: the
 * resolver reads which page a request asks for ({@link PageRequest}), gathers the data and calls
 * the page. This package depends on index, rank, geo, mirror and stats (the download totals snapshot); only {@code resolve} depends on it.
 */
public final class Pages {

    private Pages() {}

    /** {@code ?sha256} / {@code ?sha1} / {@code ?md5}: 200 with a sha256sum line, or 404 saying why not. */
    public static Page checksum(FileTable files, int fileId, Digest digest) {
        return ChecksumPage.render(requireNonNull(files, "files"), fileId, requireNonNull(digest, "digest"));
    }

    /** {@code ?mirrorlist=text}: the ranked and the excluded mirrors, as text. */
    public static Page mirrorList(MirrorRanking ranking) {
        return MirrorListPage.render(requireNonNull(ranking, "ranking"));
    }

    /**
     * {@code ?mirrorlist} as HTML (from {@code templates}) or JSON, from the same view.
     *
     * @param clientAddress the client's address as nginx saw it (shown to the client)
     */
    public static Page mirrorList(MirrorRanking ranking, String clientAddress, PageTemplates templates, boolean json) {
        MirrorListView view = MirrorListView.of(requireNonNull(ranking, "ranking"),
                requireNonNull(clientAddress, "clientAddress"), Instant.now());
        return json ? MirrorListJsonPage.render(view) : MirrorListHtmlPage.render(requireNonNull(templates, "templates"), view);
    }

    /**
     * {@code ?fileinfo} as HTML (from {@code templates}) or JSON: the file, its hashes, its policy,
     * and which mirrors hold it current, outdated or not at all.
     *
     * @param current whether mirror {@code m} holds the file current as the ranking sees it
     * @param https whether the request came over https (the mirrors' URLs shown are then https)
     */
    public static Page fileInfo(IndexSnapshot snapshot, int fileId, PathPolicy policy, boolean https,
            IntPredicate current, PageTemplates templates, boolean json) {
        FileInfoView view = FileInfoView.of(requireNonNull(snapshot, "snapshot"), fileId,
                requireNonNull(policy, "policy"), https, requireNonNull(current, "current"), Instant.now());
        return FileInfoPage.render(requireNonNull(templates, "templates"), view, json);
    }

    /** {@code ?fileinfo} for a path that is no known file: a 404 (HTML or JSON) saying {@code why}. */
    public static Page fileInfoUnknown(String path, String why, boolean json) {
        return FileInfoPage.unknown(requireNonNull(path, "path"), requireNonNull(why, "why"), json);
    }

    /**
     * {@code ?mirrorstats} as HTML (from {@code templates}) or JSON: every mirror's state and
     * downloads, the latter from {@code totals} (read off the request path; the page says how old).
     */
    public static Page mirrorStats(IndexSnapshot snap, DownloadTotals.Snapshot totals, PageTemplates templates,
            boolean json) {
        return mirrorStats(snap, totals, templates, json, Instant.now());
    }

    static Page mirrorStats(IndexSnapshot snap, DownloadTotals.Snapshot totals, PageTemplates templates, boolean json,
            Instant now) {
        MirrorStatsView view = MirrorStatsView.of(requireNonNull(snap, "snap"), requireNonNull(totals, "totals"), now);
        return json ? MirrorStatsPage.json(view) : MirrorStatsPage.html(requireNonNull(templates, "templates"), view);
    }

    /** The public list of mirrors ({@code pages.mirrors-json}): no contact, credentials or ranking internals. */
    public static Page mirrorsJson(IndexSnapshot snap) {
        return MirrorsJsonPage.render(requireNonNull(snap, "snap"), Instant.now());
    }

    /** {@code ?meta4} or {@code <file>.meta4}: Metalink v4 (RFC 5854). */
    public static Page metalink(MirrorRanking ranking) {
        return MetalinkPage.render(requireNonNull(ranking, "ranking"));
    }

    static String baseName(String rel) {
        return rel.substring(rel.lastIndexOf('/') + 1);
    }
}
