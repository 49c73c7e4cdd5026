package org.mirrorgate.resolve;

import org.mirrorgate.geo.ClientLocation;

/**
 * Told of every decision {@link Resolver#resolve} makes (the download log). Called on the request
 * path, on the transport thread: an implementation hands the decision on and returns, it never
 * waits (no lock held for long, no I/O).
 */
@FunctionalInterface
public interface DecisionListener {

    DecisionListener NONE = (path, clientIp, client, decision) -> { };

    /**
     * @param path the request's path as sent (under {@code url-prefix} or not)
     * @param clientIp the client's address as sent (valid: the decision was made)
     * @param client what GeoIP knows of the client
     */
    void decided(String path, String clientIp, ClientLocation client, Decision decision);
}
