package org.mirrorgate.geo;

import static java.util.Objects.requireNonNull;

import com.google.common.net.InetAddresses;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Parses IP address literals, never touching DNS.
 *
 * <p>{@code InetAddress.getByName} would resolve a host name, which on the request path means a
 * blocking DNS query per request (and lets a client choose what we resolve). This accepts only
 * literals: IPv4 dotted quads and IPv6 text forms, with an IPv4-mapped IPv6 address
 * ({@code ::ffff:192.0.2.1}) returned as the IPv4 address it stands for, so that one client has one
 * cache key and one database answer whichever form Nginx reports.
 */
public final class IpAddresses {

    /** The longest literal accepted: {@code ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255}. */
    static final int MAX_LENGTH = 45;

    private static final int SHOWN_LENGTH = 64;

    private IpAddresses() {}

    /**
     * Returns the address {@code text} spells.
     *
     * @throws IllegalArgumentException if {@code text} is not an IPv4 or IPv6 literal, for example
     *     {@code ip: example.org (expected: an IP address literal; host names are not resolved)};
     *     also for an empty text, brackets, a port, a zone id ({@code %eth0}) or over
     *     {@value #MAX_LENGTH} characters
     */
    public static InetAddress parse(String text) {
        requireNonNull(text, "text");
        return parse("ip", text, text);
    }

    /**
     * Parses {@code literal}; a failure reads {@code key: value (expected: ...)}, where
     * {@code value} is the whole text the literal came from (a prefix, say).
     */
    static InetAddress parse(String key, String value, String literal) {
        String expected = problem(literal);
        if (expected == null) {
            try {
                return unmapped(InetAddresses.forString(literal));
            } catch (IllegalArgumentException e) {
                expected = "an IPv4 or IPv6 address";
            }
        }
        throw new IllegalArgumentException(key + ": " + shown(value) + " (expected: " + expected + ")");
    }

    /** Why {@code literal} cannot be an address, or null if it may be one. */
    private static String problem(String literal) {
        if (literal.isEmpty()) {
            return "an IPv4 or IPv6 address";
        }
        if (literal.length() > MAX_LENGTH) {
            return "an IP address of at most " + MAX_LENGTH + " characters";
        }
        if (literal.indexOf('[') >= 0 || literal.indexOf(']') >= 0) {
            return "an IP address without brackets";
        }
        if (literal.indexOf('%') >= 0) {
            return "an IP address without a zone id";
        }
        int colons = 0;
        boolean letters = false;
        for (int i = 0; i < literal.length(); i++) {
            char c = literal.charAt(i);
            if (c == ':') {
                colons++;
            } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
                letters = true;
            } else if ((c < '0' || c > '9') && c != '.') {
                return "an IPv4 or IPv6 address";
            }
        }
        if (colons == 1) {
            // IPv6 needs at least two colons; one is "host:port".
            return "an IP address without a port";
        }
        if (colons == 0 && letters) {
            return "an IP address literal; host names are not resolved";
        }
        return null;
    }

    /**
     * The IPv4 address an IPv4-mapped IPv6 address stands for; any other address unchanged.
     * {@code InetAddress.getByAddress} already does this, but {@code Inet6Address.getByAddress}
     * does not, and callers may hand us either.
     */
    static InetAddress unmapped(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] b = address.getAddress();
            for (int i = 0; i < 10; i++) {
                if (b[i] != 0) {
                    return address;
                }
            }
            if (b[10] == (byte) 0xff && b[11] == (byte) 0xff) {
                try {
                    return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
                } catch (UnknownHostException e) {
                    throw new AssertionError(e); // four bytes are always an address
                }
            }
        }
        return address;
    }

    /** {@code value} as it may appear in a message and a log line: printable, bounded, "" visible. */
    static String shown(String value) {
        if (value.isEmpty()) {
            return "\"\"";
        }
        var out = new StringBuilder(Math.min(value.length(), SHOWN_LENGTH) + 24);
        for (int i = 0; i < value.length() && i < SHOWN_LENGTH; i++) {
            char c = value.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        if (value.length() > SHOWN_LENGTH) {
            out.append("... (").append(value.length()).append(" characters)");
        }
        return out.toString();
    }
}
