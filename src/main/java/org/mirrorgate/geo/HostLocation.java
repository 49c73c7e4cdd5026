package org.mirrorgate.geo;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Where a host is: the addresses its name resolves to, and what {@link GeoLookup} says of the
 * first. For admin calls that place a mirror (geoupdate), never for the request path: resolving a
 * name does DNS and may wait for the system resolver's timeout.
 *
 * @param address the address looked up (the resolver's first)
 * @param addressCount how many the name resolved to; above 1 (round-robin DNS, anycast) the
 *     location is of one of them only, which the operator is told
 */
public record HostLocation(InetAddress address, int addressCount, ClientLocation location) {

    /**
     * @throws UnknownHostException when the name does not resolve (the message names it)
     */
    public static HostLocation of(String host, GeoLookup geo) throws UnknownHostException {
        requireNonNull(host, "host");
        // an IPv6 literal comes from a URI in brackets; InetAddress wants it without
        String name = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] all = InetAddress.getAllByName(name);
        return new HostLocation(all[0], all.length, geo.lookup(all[0]));
    }
}
