package org.mirrorgate.pages;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.function.IntPredicate;
import org.mirrorgate.index.Availability;
import org.mirrorgate.index.Digest;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.mirror.MirrorSpec;
import org.mirrorgate.mirror.UrlPaths;
import org.mirrorgate.rank.PathPolicy;

/**
 * What {@code ?fileinfo} shows, as plain values (the HTML template and the JSON are both drawn from
 * this): the file, its hashes, the path policy that applies to it, and every mirror sorted into
 * those holding it current, those holding an outdated copy, and those lacking it. Whoever the
 * client is: no ranking, no location. Strings are raw here; the template engine escapes them.
 *
 * @param digest the RFC 3230 Digest value redirects of this file carry; null when no SHA-256 is known
 */
record FileInfoView(String path, long size, String mtime, String deleted, List<MirrorListView.Checksum> checksums,
        String digest, Policy policy, List<Holder> current, List<Holder> outdated, List<Holder> lacking,
        String generated) {

    /** @param outdatedMinutes for allow-outdated: how much older a copy may be; 0 otherwise */
    record Policy(String kind, String rule, long outdatedMinutes, String text) {}

    /**
     * @param url the file on that mirror in the request's scheme; "" when the mirror has no base URL for it
     * @param mtime for an outdated copy: the mirror's modification time; null otherwise
     * @param note how that is known ("scanned", "trace file", "trusted"; "not in its last scan",
     *     "not scanned yet"), with ", disabled" for a mirror not served now
     */
    record Holder(String name, String country, String url, String mtime, String note) {}

    /**
     * @param current whether mirror {@code m} holds the file current as the ranking sees it (a
     *     matching copy in its last scan, a trace file newer than the file, or trust)
     */
    static FileInfoView of(IndexSnapshot snap, int id, PathPolicy policy, boolean https, IntPredicate current,
            Instant now) {
        FileTable files = snap.files();
        List<MirrorListView.Checksum> sums = new ArrayList<>(3);
        for (Digest d : Digest.values()) {
            byte[] v = files.digest(id, d);
            if (v != null) {
                sums.add(new MirrorListView.Checksum(d.key(), HexFormat.of().formatHex(v)));
            }
        }
        byte[] sha = files.digest(id, Digest.SHA256);
        String encoded = UrlPaths.encode(files.path(id));
        List<Holder> cur = new ArrayList<>();
        List<Holder> old = new ArrayList<>();
        List<Holder> lack = new ArrayList<>();
        for (int m = 0; m < snap.mirrorCount(); m++) {
            MirrorSpec spec = snap.spec(m);
            Availability a = snap.availability(m);
            String off = snap.state(m).enabled() ? "" : ", disabled";
            URI base = https || spec.httpUrl() == null ? spec.httpsUrl() : spec.httpUrl();
            String url = base == null ? "" : base + encoded;
            String country = spec.primaryCountry() == null || spec.primaryCountry().isEmpty() ? "-"
                    : spec.primaryCountry();
            long outdatedMtime = a.outdatedMtime(id);
            if (current.test(m)) {
                String how = spec.trusted() ? "trusted" : snap.holdsMatching(m, id) ? "scanned" : "trace file";
                cur.add(new Holder(spec.name(), country, url, null, how + off));
            } else if (outdatedMtime != Long.MIN_VALUE) {
                old.add(new Holder(spec.name(), country, url, Instant.ofEpochMilli(outdatedMtime).toString(),
                        "scanned" + off));
            } else {
                String why = a.scannedAtMillis() > 0 || snap.state(m).lastScanMillis() > 0 ? "not in its last scan"
                        : "not scanned yet";
                lack.add(new Holder(spec.name(), country, "", null, why + off));
            }
        }
        long deletedAt = files.deletedAtMillis(id);
        Policy p = new Policy(policy.kind().key(), policy.rule(), policy.outdatedMillis() / 60_000, policy.describe());
        return new FileInfoView(files.path(id), files.size(id), Instant.ofEpochMilli(files.mtimeMillis(id)).toString(),
                deletedAt == 0 ? null : Instant.ofEpochMilli(deletedAt).toString(), List.copyOf(sums),
                sha == null ? null : "sha-256=" + Base64.getEncoder().encodeToString(sha), p, List.copyOf(cur),
                List.copyOf(old), List.copyOf(lack), now.toString());
    }
}
