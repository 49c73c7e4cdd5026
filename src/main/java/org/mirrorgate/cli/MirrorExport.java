package org.mirrorgate.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.mirrorgate.api.v1.MirrorDefinition;
import org.mirrorgate.api.v1.MirrorInfo;

/**
 * The text of {@code export mirmon} and {@code export yaml}, from what the admin API answers; pure
 * functions, so the formats are unit-tested without a service.
 */
final class MirrorExport {

    /** What a mirmon line is made of, per mirror and protocol. */
    enum Protocol { HTTP, HTTPS, FTP, RSYNC }

    /** Lines to print, and the mirrors left out with why (said on stderr, never dropped in silence). */
    record Lines(List<String> lines, List<String> leftOut) {}

    private MirrorExport() {}

    /**
     * The mirmon mirror list: one line per mirror and protocol, {@code cc url [admin-email]}
     * separated by single spaces. Source of the format: mirmon's "plain" {@code list_style} (country
     * code, URL, optional mirror-admin e-mail; mirmon's own manual was not among the stored copies
     * searched), as Mirrorbits' {@code export mirmon} writes it (etix/mirrorbits cli/commands.go,
     * {@code CmdExport}: {@code cc<TAB>url<TAB>adminEmail}). Country codes are lower case, as
     * mirmon's countries.list keys them. Scan URLs lose their credentials (mirmon only probes; the
     * export holds no secrets). mirrorgate keeps no admin e-mail per mirror, so the one given (or
     * none) ends every line. A mirror without a country cannot be placed on mirmon's map: left out.
     */
    static Lines mirmon(List<MirrorInfo> mirrors, Set<Protocol> protocols, boolean withDisabled, String adminEmail) {
        List<String> lines = new ArrayList<>();
        List<String> leftOut = new ArrayList<>();
        String email = adminEmail == null || adminEmail.isBlank() ? "" : " " + adminEmail.strip();
        for (MirrorInfo m : mirrors) {
            if (!withDisabled && !m.getEnabled()) {
                continue; // asked for: not a loss
            }
            if (m.getCountryCodesCount() == 0) {
                leftOut.add(m.getName() + ": no country (mirmon needs one; set countries)");
                continue;
            }
            String cc = m.getCountryCodes(0).toLowerCase(Locale.ROOT);
            for (Protocol p : Protocol.values()) {
                String url = switch (p) {
                    case HTTP -> m.getHttpUrl();
                    case HTTPS -> m.getHttpsUrl();
                    case FTP -> withoutUserInfo(m.getFtpUrl());
                    case RSYNC -> withoutUserInfo(m.getRsyncUrl());
                };
                if (protocols.contains(p) && !url.isEmpty()) {
                    lines.add(cc + " " + url + email);
                }
            }
        }
        return new Lines(lines, leftOut);
    }

    /** {@code rsync://user:pw@host/m/} (or the API's masked {@code ***@}) as {@code rsync://host/m/}. */
    static String withoutUserInfo(String url) {
        int scheme = url.indexOf("://");
        int at = url.indexOf('@');
        int slash = url.indexOf('/', scheme + 3);
        return scheme > 0 && at > scheme && (slash < 0 || at < slash) ? url.substring(0, scheme + 3) + url.substring(at + 1)
                : url;
    }

    /**
     * The API mirrors as the config file's {@code mirrors:} block: each definition (the config
     * file's keys, as GetMirrorDefinition answers) as one list entry. A definition whose scan URL's
     * credentials the API masked gets a comment saying so; the config loader refuses a masked
     * {@code ***@} URL, so a paste that forgets to fill them in fails loudly instead of scanning with
     * a wrong password.
     */
    static String yaml(String target, List<MirrorDefinition> definitions) {
        StringBuilder b = new StringBuilder();
        if (definitions.isEmpty()) {
            return b.append("# ").append(target).append(" has no mirror added through the admin API (origin api):"
                    + " nothing to export\n").toString();
        }
        b.append("# The mirrors added through the admin API of ").append(target).append(", as config-file entries.\n")
                .append("# Paste them under the config file's mirrors: (this whole block if it has none); at the next\n")
                .append("# reload or start the file takes each one over that is unchanged (its state, scans and statistics stay),\n")
                .append("# and from then on it is changed in the file, not with `mirrorgate edit`.\n")
                .append("mirrors:\n");
        for (MirrorDefinition d : definitions) {
            if (d.getYaml().contains("://***@")) {
                b.append("  # ").append(d.getName()).append(": the scan URL's credentials are masked (***): write them"
                        + " in before loading this file\n");
            }
            boolean first = true;
            for (String line : d.getYaml().strip().split("\n")) {
                b.append(first ? "  - " : "    ").append(line).append('\n');
                first = false;
            }
        }
        return b.toString();
    }
}
