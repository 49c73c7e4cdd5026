package org.mirrorgate.resolve;

import java.util.List;
import org.mirrorgate.geo.ClientLocation;

/**
 * Which fallback server takes a request no mirror qualifies for, and from which base URL: the
 * client's country first, then its continent, then config order, among the fallbacks that serve
 * the request's scheme. Immutable: a reload builds a new one with its {@link Resolver}.
 */
final class FallbackChoice {

    private final List<Fallback> fallbacks;
    private final boolean httpToHttps;

    /** @param httpToHttps {@code allow-http-to-https}: a plain-http request may go to an https-only fallback */
    FallbackChoice(List<Fallback> fallbacks, boolean httpToHttps) {
        this.fallbacks = List.copyOf(fallbacks);
        this.httpToHttps = httpToHttps;
    }

    List<Fallback> fallbacks() {
        return fallbacks;
    }

    /** Same country, then same continent, then config order; only ones serving the scheme; null for none. */
    Fallback forClient(ClientLocation loc, boolean https) {
        Fallback sameContinent = null;
        Fallback any = null;
        for (Fallback f : fallbacks) {
            if (baseFor(f, https) == null) {
                continue;
            }
            if (loc.hasCountry() && loc.country().equals(f.country())) {
                return f;
            }
            if (sameContinent == null && !loc.continent().isEmpty() && loc.continent().equals(f.continent())) {
                sameContinent = f;
            }
            if (any == null) {
                any = f;
            }
        }
        return sameContinent != null ? sameContinent : any;
    }

    /**
     * The base URL {@code f} serves this request's scheme from, or null: the scheme rules of the
     * mirrors (the ranker's), so a fallback is no way round them. https requests only get https;
     * plain-http requests get http, and an https-only fallback only with {@code
     * allow-http-to-https} (minimal images lack the CA certificates to follow it).
     */
    String baseFor(Fallback f, boolean https) {
        if (https) {
            return f.httpsBase();
        }
        return f.httpBase() != null ? f.httpBase() : httpToHttps ? f.httpsBase() : null;
    }
}
