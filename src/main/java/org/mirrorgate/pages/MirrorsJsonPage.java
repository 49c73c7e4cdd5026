package org.mirrorgate.pages;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.mirror.MirrorSpec;
import org.mirrorgate.mirror.MirrorState;
import org.mirrorgate.mirror.ProtocolHealth;

/**
 * The public list of mirrors ({@code pages.mirrors-json}, e.g. {@code /mirrors.json}): what a user
 * or a tool needs to pick a mirror by hand. Only what the public may know is copied in, field by
 * field, from the declaration: never the admin's contact, the ASNs and prefixes the ranking uses,
 * or credentials (an rsync or FTP URL's user and password are cut off; the http(s) URLs cannot
 * carry any, the config refuses them).
 */
final class MirrorsJsonPage {

    static final String REASON = "mirrors json";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** @param state up, partly down, down, unknown or disabled (as {@code ?mirrorstats} says) */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record PublicMirror(String name, Urls urls, String country, List<String> countries, String continent,
            Double latitude, Double longitude, String state, String http, String https,
            MirrorStatsView.Sponsor sponsor) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Urls(String http, String https, String rsync, String ftp) {}

    record View(String generated, int count, List<PublicMirror> mirrors) {}

    private MirrorsJsonPage() {}

    static Page render(IndexSnapshot snap, Instant now) {
        List<PublicMirror> out = new ArrayList<>(snap.mirrorCount());
        for (int m = 0; m < snap.mirrorCount(); m++) {
            MirrorSpec s = snap.spec(m);
            MirrorState st = snap.state(m);
            String http = status(s.httpUrl(), st.http());
            String https = status(s.httpsUrl(), st.https());
            out.add(new PublicMirror(s.name(), new Urls(text(s.httpUrl()), text(s.httpsUrl()), withoutUser(s.rsyncUrl()),
                    withoutUser(s.ftpUrl())), s.primaryCountry().isEmpty() ? null : s.primaryCountry(), s.countries(),
                    s.continent().isEmpty() ? null : s.continent(), s.hasCoordinates() ? s.latitude() : null,
                    s.hasCoordinates() ? s.longitude() : null, MirrorStatsView.state(s, st), http, https,
                    MirrorStatsView.Sponsor.of(s)));
        }
        try {
            byte[] body = MAPPER.writeValueAsBytes(new View(MirrorStatsView.time(now.toEpochMilli()), out.size(), out));
            return new Page(200, MirrorListJsonPage.JSON, body, REASON, 0);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("mirror list not serializable", e); // a bug: records of plain values
        }
    }

    private static String status(URI url, ProtocolHealth h) {
        return url == null ? null : h.status().name().toLowerCase(java.util.Locale.ROOT);
    }

    private static String text(URI u) {
        return u == null ? null : u.toString();
    }

    /** The URL without its user info ({@code rsync://user:secret@host/...} becomes {@code rsync://host/...}). */
    static String withoutUser(URI u) {
        if (u == null) {
            return null;
        }
        if (u.getRawUserInfo() == null) {
            return u.toString();
        }
        try {
            return new URI(u.getScheme(), null, u.getHost(), u.getPort(), u.getPath(), u.getQuery(), null).toString();
        } catch (URISyntaxException e) {
            return null; // unreachable for a URL the config accepted; when in doubt, show nothing
        }
    }
}
