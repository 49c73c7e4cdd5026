package org.mirrorgate.api;

import com.google.protobuf.Timestamp;
import java.util.HexFormat;
import org.mirrorgate.api.v1.ClientInfo;
import org.mirrorgate.api.v1.FileInfo;
import org.mirrorgate.api.v1.MirrorInfo;
import org.mirrorgate.api.v1.MirrorVerdict;
import org.mirrorgate.api.v1.ProtocolState;
import org.mirrorgate.geo.ClientLocation;
import org.mirrorgate.index.Availability;
import org.mirrorgate.index.Digest;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.mirror.MirrorSpec;
import org.mirrorgate.mirror.MirrorState;
import org.mirrorgate.mirror.ProtocolHealth;
import org.mirrorgate.rank.Verdict;

/** Domain values to admin protos. */
final class ProtoMapping {

    private ProtoMapping() {}

    static MirrorInfo mirror(MirrorSpec spec, MirrorState state, Availability a) {
        MirrorInfo.Builder b = MirrorInfo.newBuilder()
                .setName(spec.name())
                .addAllCountryCodes(spec.countries())
                .setContinent(spec.continent())
                .addAllAsns(spec.asns())
                .setCountryOnly(spec.restrictions().countryOnly())
                .setContinentOnly(spec.restrictions().continentOnly())
                .setAsnOnly(spec.restrictions().asnOnly())
                .addAllExcludedCountries(spec.excludedCountries())
                .setScore(spec.score())
                .setCapacityWeight(spec.capacity())
                .setMaxMbps(spec.maxMbps())
                .setFamilies(state.familiesFor(spec).label())
                .setFamiliesDeclared(spec.families().known())
                .setEnabled(state.enabled())
                .setOrigin(spec.origin().label())
                .setDeclaredEnabled(spec.enabled())
                .setEnabledOverride(state.overrides(spec))
                .setTrusted(spec.trusted())
                .setHttp(protocol(spec.httpUrl() != null, state.http()))
                .setHttps(protocol(spec.httpsUrl() != null, state.https()))
                .setFilesMatching(a.matchingCount())
                .setFilesOutdated(a.outdatedCount());
        spec.prefixes().forEach(p -> b.addPrefixes(p.toString()));
        if (spec.httpUrl() != null) {
            b.setHttpUrl(spec.httpUrl().toString());
        }
        if (spec.httpsUrl() != null) {
            b.setHttpsUrl(spec.httpsUrl().toString());
        }
        if (spec.rsyncUrl() != null) {
            b.setRsyncUrl(redactUserInfo(spec.rsyncUrl().toString()));
        }
        if (spec.ftpUrl() != null) {
            b.setFtpUrl(redactUserInfo(spec.ftpUrl().toString()));
        }
        if (state.lastScanMillis() > 0) {
            b.setLastScan(timestamp(state.lastScanMillis()));
        }
        if (state.traceSyncMillis() > 0) {
            b.setTraceSync(timestamp(state.traceSyncMillis()));
        }
        if (spec.hasCoordinates()) {
            b.setLatitude(spec.latitude()).setLongitude(spec.longitude());
        }
        return b.build();
    }

    static ProtocolState protocol(boolean configured, ProtocolHealth h) {
        ProtocolState.Builder b = ProtocolState.newBuilder().setConfigured(configured)
                .setUp(configured && h.status() == ProtocolHealth.Status.UP).setReason(h.reason());
        if (h.sinceMillis() > 0) {
            b.setSince(timestamp(h.sinceMillis()));
        }
        return b.build();
    }

    static ClientInfo client(String ip, ClientLocation c) {
        ClientInfo.Builder b = ClientInfo.newBuilder().setIp(ip).setCountry(c.country()).setContinent(c.continent())
                .setAsn(c.asn()).setHasLocation(c.hasCoordinates());
        if (c.hasCoordinates()) {
            b.setLatitude(c.latitude()).setLongitude(c.longitude());
        }
        return b.build();
    }

    static FileInfo file(FileTable files, int id) {
        FileInfo.Builder b = FileInfo.newBuilder().setPath(files.path(id)).setSize(files.size(id))
                .setMtime(timestamp(files.mtimeMillis(id)));
        byte[] sha = files.digest(id, Digest.SHA256);
        if (sha != null) {
            b.setSha256(HexFormat.of().formatHex(sha));
        }
        if (files.isDeleted(id)) {
            b.setDeletedAt(timestamp(files.deletedAtMillis(id)));
        }
        return b.build();
    }

    static MirrorVerdict verdict(String mirror, Verdict v) {
        return MirrorVerdict.newBuilder().setMirror(mirror).setAccepted(v.accepted())
                .setReason(v.accepted() ? "" : v.reason())
                .setDistanceKm(Double.isNaN(v.distanceKm()) ? -1 : v.distanceKm())
                .setTier(v.tier().label()).setWeight(v.weight()).setProbability(v.probability())
                .setLoad(v.load() == null ? "" : v.load()).build();
    }

    static Timestamp timestamp(long millis) {
        return Timestamp.newBuilder().setSeconds(Math.floorDiv(millis, 1000))
                .setNanos(Math.floorMod(millis, 1000) * 1_000_000).build();
    }

    /** Scan URLs may carry credentials; the admin API never shows them. */
    static String redactUserInfo(String url) {
        int scheme = url.indexOf("://");
        int at = url.indexOf('@');
        int slash = url.indexOf('/', scheme + 3);
        return scheme > 0 && at > scheme && (slash < 0 || at < slash) ? url.substring(0, scheme + 3) + "***@" + url.substring(at + 1) : url;
    }
}
