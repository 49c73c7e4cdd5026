package org.mirrorgate.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.mirrorgate.geo.IpPrefix;
import org.mirrorgate.mirror.AddressFamilies;
import org.mirrorgate.mirror.DeletionEvidence;
import org.mirrorgate.mirror.MirrorEvent;
import org.mirrorgate.mirror.MirrorSpec;
import org.mirrorgate.mirror.MirrorState;
import org.mirrorgate.mirror.ProtocolHealth;

/**
 * Mirror declarations, runtime states and events as JSON: small records an operator can read with
 * {@code redis-cli HGET mg:mirrors name} (people read Mirrorbits' Redis directly, #47). Unknown
 * fields are ignored, absent ones take defaults, so adding a field needs no format upgrade.
 */
final class MirrorCodec {

    private static final ObjectMapper JSON = new ObjectMapper();

    private MirrorCodec() {}

    static byte[] spec(MirrorSpec s) {
        ObjectNode o = JSON.createObjectNode();
        o.put("name", s.name());
        putUri(o, "http", s.httpUrl());
        putUri(o, "https", s.httpsUrl());
        putUri(o, "rsync", s.rsyncUrl());
        putUri(o, "ftp", s.ftpUrl());
        s.countries().forEach(o.putArray("countries")::add);
        o.put("continent", s.continent());
        s.asns().stream().sorted().forEach(o.putArray("asns")::add);
        ArrayNode prefixes = o.putArray("prefixes");
        s.prefixes().forEach(p -> prefixes.add(p.toString()));
        o.put("countryOnly", s.restrictions().countryOnly());
        o.put("continentOnly", s.restrictions().continentOnly());
        o.put("asnOnly", s.restrictions().asnOnly());
        s.excludedCountries().stream().sorted().forEach(o.putArray("excludedCountries")::add);
        o.put("score", s.score());
        o.put("capacity", s.capacity());
        if (s.hasBandwidthCeiling()) {
            o.put("maxMbps", s.maxMbps());
        }
        o.put("enabled", s.enabled());
        o.put("trusted", s.trusted());
        if (s.hasCoordinates()) {
            o.put("latitude", s.latitude());
            o.put("longitude", s.longitude());
        }
        o.put("origin", s.origin().label());
        if (s.families().known()) {
            o.put("families", s.families().label());
        }
        MirrorSpec.About a = s.about();
        putText(o, "sponsorName", a.sponsorName());
        putUri(o, "sponsorUrl", a.sponsorUrl());
        putUri(o, "sponsorLogo", a.sponsorLogo());
        putText(o, "adminName", a.adminName());
        putText(o, "adminEmail", a.adminEmail());
        putText(o, "comment", a.comment());
        return bytes(o);
    }

    private static void putText(ObjectNode o, String key, String value) {
        if (!value.isEmpty()) {
            o.put(key, value);
        }
    }

    static MirrorSpec spec(byte[] json) {
        JsonNode o = tree(json);
        return new MirrorSpec(o.path("name").asText(), uri(o, "http"), uri(o, "https"), uri(o, "rsync"),
                uri(o, "ftp"), strings(o, "countries"), o.path("continent").asText(""), ints(o, "asns"),
                strings(o, "prefixes").stream().map(IpPrefix::parse).toList(),
                new MirrorSpec.Restrictions(o.path("countryOnly").asBoolean(), o.path("continentOnly").asBoolean(),
                        o.path("asnOnly").asBoolean()),
                new LinkedHashSet<>(strings(o, "excludedCountries")), o.path("score").asInt(0),
                o.path("capacity").asDouble(1.0), o.path("enabled").asBoolean(true), o.path("trusted").asBoolean(),
                o.has("latitude") ? o.get("latitude").asDouble() : Double.NaN,
                o.has("longitude") ? o.get("longitude").asDouble() : Double.NaN,
                // records written before origins existed all came from the config: nothing else added mirrors
                "api".equals(o.path("origin").asText()) ? MirrorSpec.Origin.API : MirrorSpec.Origin.CONFIG,
                o.path("maxMbps").asDouble(0), // absent in records written before bandwidth ceilings
                families(o), // absent when learned, and in records written before families existed
                // absent when not declared, and in records written before they existed
                new MirrorSpec.About(o.path("sponsorName").asText(""), uri(o, "sponsorUrl"), uri(o, "sponsorLogo"),
                        o.path("adminName").asText(""), o.path("adminEmail").asText(""), o.path("comment").asText("")));
    }

    /** "ipv4", "ipv6" or "both"; absent (or a label this version does not know) is unknown: learned. */
    private static AddressFamilies families(JsonNode o) {
        String label = o.path("families").asText("");
        for (AddressFamilies f : AddressFamilies.values()) {
            if (f.label().equals(label)) {
                return f;
            }
        }
        return AddressFamilies.UNKNOWN;
    }

    static byte[] state(MirrorState s) {
        ObjectNode o = JSON.createObjectNode();
        o.put("enabled", s.enabled());
        o.set("http", health(s.http()));
        o.set("https", health(s.https()));
        o.put("traceSyncMillis", s.traceSyncMillis());
        o.put("lastScanMillis", s.lastScanMillis());
        o.put("tzOffsetMillis", s.tzOffsetMillis());
        o.put("traceCreditMillis", s.traceCreditMillis());
        DeletionEvidence d = s.deletions();
        if (!d.equals(DeletionEvidence.NONE)) {
            ObjectNode e = o.putObject("deletions");
            e.put("keptThrough", d.keptThrough());
            e.put("appliedThrough", d.appliedThrough());
            e.put("appliedSeenMillis", d.appliedSeenMillis());
            e.put("syncingSinceMillis", d.syncingSinceMillis());
        }
        if (s.families().known()) {
            o.put("families", s.families().label());
        }
        return bytes(o);
    }

    static MirrorState state(byte[] json) {
        JsonNode o = tree(json);
        return new MirrorState(o.path("enabled").asBoolean(true), health(o.path("http")), health(o.path("https")),
                o.path("traceSyncMillis").asLong(), o.path("lastScanMillis").asLong(), o.path("tzOffsetMillis").asLong(),
                o.path("traceCreditMillis").asLong(), deletions(o.path("deletions")), families(o));
    }

    /** Absent in states written before deletion probes (and when there is no evidence): none. */
    private static DeletionEvidence deletions(JsonNode e) {
        if (e.isMissingNode()) {
            return DeletionEvidence.NONE;
        }
        return new DeletionEvidence(e.path("keptThrough").asLong(), e.path("appliedThrough").asLong(),
                e.path("appliedSeenMillis").asLong(), e.path("syncingSinceMillis").asLong());
    }

    static byte[] event(MirrorEvent e) {
        ObjectNode o = JSON.createObjectNode();
        o.put("time", e.timeMillis());
        o.put("kind", e.kind());
        o.put("message", e.message());
        return bytes(o);
    }

    static MirrorEvent event(byte[] json) {
        JsonNode o = tree(json);
        return new MirrorEvent(o.path("time").asLong(), o.path("kind").asText(), o.path("message").asText());
    }

    private static ObjectNode health(ProtocolHealth h) {
        ObjectNode o = JSON.createObjectNode();
        o.put("status", h.status().name());
        o.put("reason", h.reason());
        o.put("since", h.sinceMillis());
        return o;
    }

    private static ProtocolHealth health(JsonNode o) {
        if (o.isMissingNode()) {
            return ProtocolHealth.UNKNOWN;
        }
        return new ProtocolHealth(ProtocolHealth.Status.valueOf(o.path("status").asText("UNKNOWN")),
                o.path("reason").asText(""), o.path("since").asLong());
    }

    private static void putUri(ObjectNode o, String field, URI uri) {
        if (uri != null) {
            o.put(field, uri.toString());
        }
    }

    private static URI uri(JsonNode o, String field) {
        return o.hasNonNull(field) ? URI.create(o.get(field).asText()) : null;
    }

    private static List<String> strings(JsonNode o, String field) {
        List<String> out = new ArrayList<>();
        o.path(field).forEach(n -> out.add(n.asText()));
        return out;
    }

    private static Set<Integer> ints(JsonNode o, String field) {
        Set<Integer> out = new LinkedHashSet<>();
        o.path(field).forEach(n -> out.add(n.asInt()));
        return out;
    }

    private static byte[] bytes(JsonNode o) {
        try {
            return JSON.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode tree(byte[] json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("not a JSON record: " + e.getMessage(), e);
        }
    }
}
