package org.mirrorgate.resolve;

import static java.util.Objects.requireNonNull;

/**
 * A server that holds everything (usually the origin's public name or a CDN), used when no mirror
 * qualifies. It has no per-file knowledge, so it is ranked by location only: same country, then
 * same continent, then the rest in config order.
 *
 * @param httpBase base URL for http requests ending in '/', or null
 * @param httpsBase base URL for https requests ending in '/', or null
 * @param country ISO code, upper case, or ""
 * @param continent continent code, or ""
 */
public record Fallback(String name, String httpBase, String httpsBase, String country, String continent) {
    public Fallback {
        requireNonNull(name, "name");
        country = country == null ? "" : country;
        continent = continent == null ? "" : continent;
    }
}
