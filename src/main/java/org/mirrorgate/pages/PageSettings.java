package org.mirrorgate.pages;

import static com.google.common.base.Preconditions.checkArgument;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.mirrorgate.geo.IpPrefix;

/**
 * The {@code pages:} config section.
 *
 * @param templates directory of the operator's HTML templates (files named as the built-in ones,
 *     e.g. {@code mirrorlist.mustache}); null = only the built-in ones
 * @param fromipClients the client networks allowed to ask {@code ?mirrorlist&fromip=ADDR} (the
 *     page as another client would see it: it shows that client's location, so it is off by default)
 * @param mirrorsJson where the public list of mirrors is answered, relative to the URL prefix and
 *     without its leading '/' ({@code mirrors.json} for {@code pages.mirrors-json: /mirrors.json});
 *     null = no such list
 */
public record PageSettings(Path templates, List<IpPrefix> fromipClients, String mirrorsJson) {

    public static final PageSettings DEFAULTS = new PageSettings(null, List.of(), null);

    /** Plain path segments: no empty, "." or ".." segment, no query, fragment, space or control character. */
    private static final Pattern RELATIVE_FILE = Pattern.compile("(?!.*(^|/)\\.{1,2}(/|$))[^/?#%\\s\\p{Cntrl}]+(/[^/?#%\\s\\p{Cntrl}]+)*");

    public PageSettings {
        fromipClients = List.copyOf(fromipClients);
        checkArgument(mirrorsJson == null || RELATIVE_FILE.matcher(mirrorsJson).matches(),
                "mirrorsJson: %s (expected: a file path under the URL prefix such as mirrors.json)", mirrorsJson);
    }

    public PageSettings(Path templates, List<IpPrefix> fromipClients) {
        this(templates, fromipClients, null);
    }

    /**
     * The {@code pages.mirrors-json} value as the operator writes it ("" = off, else a path
     * starting with '/' relative to the URL prefix) in the form {@link #mirrorsJson} holds; null
     * when it is not such a path.
     */
    public static String mirrorsJsonPath(String configured) {
        if (!configured.startsWith("/")) {
            return null;
        }
        String rel = configured.substring(1);
        return RELATIVE_FILE.matcher(rel).matches() ? rel : null;
    }

    /** Whether a request from {@code client} may use {@code fromip}. */
    public boolean mayUseFromip(InetAddress client) {
        for (IpPrefix p : fromipClients) {
            if (p.contains(client)) {
                return true;
            }
        }
        return false;
    }
}
