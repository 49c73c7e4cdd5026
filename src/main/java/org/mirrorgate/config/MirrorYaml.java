package org.mirrorgate.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.net.URI;
import java.util.function.UnaryOperator;
import org.mirrorgate.mirror.MirrorSpec;

/**
 * A mirror as a config file's {@code mirrors:} entry: the inverse of {@link
 * ConfigLoader#parseMirror}, so what it writes parses back to the same mirror (the admin API's
 * definitions, {@code mirrorgate edit} and {@code export yaml}). Keys at their default are left out.
 */
public final class MirrorYaml {

    private static final YAMLMapper YAML = new YAMLMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).build());

    private MirrorYaml() {}

    /** @param url how scan URLs are shown (e.g. with their credentials redacted) */
    public static String write(MirrorSpec s, UnaryOperator<String> url) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("name", s.name());
        put(o, "http-url", s.httpUrl(), UnaryOperator.identity());
        put(o, "https-url", s.httpsUrl(), UnaryOperator.identity());
        put(o, "rsync-url", s.rsyncUrl(), url);
        put(o, "ftp-url", s.ftpUrl(), url);
        putPlace(o, s);
        if (!s.prefixes().isEmpty()) {
            ArrayNode a = o.putArray("prefixes");
            s.prefixes().forEach(p -> a.add(p.toString()));
        }
        flag(o, "country-only", s.restrictions().countryOnly());
        flag(o, "continent-only", s.restrictions().continentOnly());
        flag(o, "asn-only", s.restrictions().asnOnly());
        if (!s.excludedCountries().isEmpty()) {
            ArrayNode a = o.putArray("excluded-countries");
            s.excludedCountries().stream().sorted().forEach(a::add);
        }
        if (s.score() != 0) {
            o.put("score", s.score());
        }
        if (s.capacity() != 1.0) {
            o.put("capacity", s.capacity());
        }
        if (s.hasBandwidthCeiling()) {
            o.put("max-mbps", s.maxMbps());
        }
        if (s.families().known()) {
            o.put("families", s.families().label()); // only a declared value: learned ones are not config
        }
        o.put("enabled", s.enabled());
        flag(o, "trusted", s.trusted());
        putCoordinates(o, s);
        MirrorSpec.About a = s.about();
        text(o, "sponsor-name", a.sponsorName());
        text(o, "sponsor-url", a.sponsorUrl() == null ? "" : a.sponsorUrl().toString());
        text(o, "sponsor-logo", a.sponsorLogo() == null ? "" : a.sponsorLogo().toString());
        text(o, "admin-name", a.adminName());
        text(o, "admin-email", a.adminEmail());
        text(o, "comment", a.comment());
        try {
            return YAML.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Only the location keys (countries, continent, asns, latitude, longitude) as they are written
     * in a {@code mirrors:} entry, for an operator to put into a config mirror's entry (geoupdate).
     * Keys the mirror does not have are left out.
     */
    public static String writeLocation(MirrorSpec s) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        putPlace(o, s);
        putCoordinates(o, s);
        try {
            return o.isEmpty() ? "" : YAML.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void putPlace(ObjectNode o, MirrorSpec s) {
        if (!s.countries().isEmpty()) {
            ArrayNode a = o.putArray("countries");
            s.countries().forEach(a::add);
        }
        if (!s.continent().isEmpty()) {
            o.put("continent", s.continent());
        }
        if (!s.asns().isEmpty()) {
            ArrayNode a = o.putArray("asns");
            s.asns().stream().sorted().forEach(a::add);
        }
    }

    private static void putCoordinates(ObjectNode o, MirrorSpec s) {
        if (s.hasCoordinates()) {
            o.put("latitude", s.latitude());
            o.put("longitude", s.longitude());
        }
    }

    private static void put(ObjectNode o, String key, URI uri, UnaryOperator<String> show) {
        if (uri != null) {
            o.put(key, show.apply(uri.toString()));
        }
    }

    private static void flag(ObjectNode o, String key, boolean value) {
        if (value) {
            o.put(key, true);
        }
    }

    private static void text(ObjectNode o, String key, String value) {
        if (!value.isEmpty()) {
            o.put(key, value);
        }
    }
}
