package org.mirrorgate.pages;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import org.mirrorgate.geo.IpPrefix;

/**
 * The {@code pages:} config section.
 *
 * @param templates directory of the operator's HTML templates (files named as the built-in ones,
 *     e.g. {@code mirrorlist.mustache}); null = only the built-in ones
 * @param fromipClients the client networks allowed to ask {@code ?mirrorlist&fromip=ADDR} (the
 *     page as another client would see it: it shows that client's location, so it is off by default)
 */
public record PageSettings(Path templates, List<IpPrefix> fromipClients) {

    public static final PageSettings DEFAULTS = new PageSettings(null, List.of());

    public PageSettings {
        fromipClients = List.copyOf(fromipClients);
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
