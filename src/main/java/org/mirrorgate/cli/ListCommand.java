package org.mirrorgate.cli;

import com.google.protobuf.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mirrorgate.api.v1.ListMirrorsRequest;
import org.mirrorgate.api.v1.ListMirrorsResponse;
import org.mirrorgate.api.v1.MirrorInfo;
import org.mirrorgate.api.v1.ProtocolState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code mirrorgate list}: Mirrorbits' {@code list}. Per protocol the state and how long it has
 * been so; why a protocol is down. Filters combine (all must hold).
 */
@Command(name = "list", aliases = "mirrors", description = {"List the mirrors with their state, per protocol:"
        + " up or down and for how long, and why down.", "Filters combine: --down --country DE lists German"
        + " mirrors with a protocol down."})
final class ListCommand extends AdminCommands.Base {

    @Option(names = "--down", description = "only mirrors with a protocol down")
    boolean down;

    @Option(names = "--disabled", description = "only mirrors out of rotation (disabled)")
    boolean disabled;

    @Option(names = "--country", paramLabel = "CC", description = "only mirrors in this country (ISO code, e.g. DE)")
    String country;

    @Mixin
    JsonOutput json;

    @Override
    void run() throws Exception {
        if (country != null && !country.matches("[A-Za-z]{2}")) {
            throw new ParameterException(spec.commandLine(), "--country: " + country
                    + " (expected: a two-letter ISO 3166 code such as DE)");
        }
        List<MirrorInfo> shown = new ArrayList<>();
        for (MirrorInfo m : client.admin().listMirrors(ListMirrorsRequest.getDefaultInstance()).getMirrorsList()) {
            if (matches(m)) {
                shown.add(m);
            }
        }
        if (json.json) {
            JsonOutput.print(out(), ListMirrorsResponse.newBuilder().addAllMirrors(shown).build());
            return;
        }
        long now = System.currentTimeMillis();
        Table t = new Table("NAME", "ORIGIN", "ENABLED", "COUNTRY", "IP", "HTTP", "HTTPS", "MATCHING", "OUTDATED",
                "LAST SCAN", "WHY DOWN").alignRight(7, 8);
        for (MirrorInfo m : shown) {
            t.row(m.getName(), m.getOrigin(), AdminCommands.enabled(m), AdminCommands.dash(String.join(",",
                    m.getCountryCodesList())), families(m), cell(m.getHttp(), now), cell(m.getHttps(), now), m.getFilesMatching(),
                    m.getFilesOutdated(), m.hasLastScan() ? AdminCommands.time(m.getLastScan())
                            : m.getTrusted() ? "trusted" : "never", why(m));
        }
        if (t.size() == 0 && (down || disabled || country != null)) {
            out().println("no mirror matches the filters");
            return;
        }
        t.print(out());
    }

    /** "ipv4", "ipv6", "both" as the ranking takes it; "-" when unknown (treated as both). */
    private static String families(MirrorInfo m) {
        return m.getFamilies().isEmpty() || m.getFamilies().equals("unknown") ? "-" : m.getFamilies();
    }

    private boolean matches(MirrorInfo m) {
        return (!down || isDown(m.getHttp()) || isDown(m.getHttps()))
                && (!disabled || !m.getEnabled())
                && (country == null || m.getCountryCodesList().contains(country.toUpperCase(Locale.ROOT)));
    }

    /** Down: probed and found down (a protocol never probed yet is "unknown", not down). */
    private static boolean isDown(ProtocolState s) {
        return s.getConfigured() && !s.getUp() && !s.getReason().isEmpty();
    }

    /** "up 3h", "down 12m", "unknown", or "-" when the mirror has no URL for the protocol. */
    private static String cell(ProtocolState s, long now) {
        String state = AdminCommands.state(s);
        return s.getConfigured() && s.hasSince() ? state + " " + age(s.getSince(), now) : state;
    }

    private static String why(MirrorInfo m) {
        List<String> out = new ArrayList<>();
        if (isDown(m.getHttp())) {
            out.add("http: " + m.getHttp().getReason());
        }
        if (isDown(m.getHttps())) {
            out.add("https: " + m.getHttps().getReason());
        }
        return out.isEmpty() ? "" : String.join("; ", out);
    }

    /** Time since {@code t} in its largest whole unit: 45s, 12m, 3h, 2d. */
    static String age(Timestamp t, long now) {
        Duration d = Duration.between(Instant.ofEpochSecond(t.getSeconds(), t.getNanos()), Instant.ofEpochMilli(now));
        if (d.isNegative()) {
            return "0s";
        }
        return d.toDays() > 0 ? d.toDays() + "d" : d.toHours() > 0 ? d.toHours() + "h"
                : d.toMinutes() > 0 ? d.toMinutes() + "m" : d.toSeconds() + "s";
    }
}
