package org.mirrorgate.mirror;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Locale;

/**
 * The IP address families a mirror is reachable over. The ordinal is the bit mask the ranking
 * keeps per mirror (bit 0 IPv4, bit 1 IPv6), so a check on the request path is one AND.
 *
 * <p>{@link #UNKNOWN} (nothing declared, nothing learned yet, DNS failed) counts as both: a mirror
 * is never avoided for a family it was not shown to lack (fail open).
 */
public enum AddressFamilies {
    UNKNOWN,
    IPV4,
    IPV6,
    BOTH;

    public static final int V4_BIT = 1;
    public static final int V6_BIT = 2;

    private static final AddressFamilies[] BY_MASK = values();

    /** The families with these bits set (0 is {@link #UNKNOWN}). */
    public static AddressFamilies ofMask(int mask) {
        return BY_MASK[mask & 3];
    }

    /** The bits the ranking checks: {@link #UNKNOWN} reads as both. */
    public int reachableMask() {
        return this == UNKNOWN ? 3 : ordinal();
    }

    public boolean known() {
        return this != UNKNOWN;
    }

    /** The families of both: what a mirror with hosts in each is reachable over. */
    public AddressFamilies or(AddressFamilies other) {
        return ofMask(ordinal() | other.ordinal());
    }

    /** Lower case as operators write it: "ipv4", "ipv6", "both", "unknown". */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The family bit of a client address: {@link #V6_BIT} for IPv6, {@link #V4_BIT} for IPv4 and
     * for IPv4-mapped IPv6 ({@code ::ffff:a.b.c.d}: the client came over IPv4 to a dual-stack socket).
     */
    public static int familyBit(InetAddress address) {
        if (address instanceof Inet4Address) {
            return V4_BIT;
        }
        byte[] b = address.getAddress();
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return V6_BIT;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff ? V4_BIT : V6_BIT;
    }

    /** The families of one resolved address. */
    public static AddressFamilies of(InetAddress address) {
        return ofMask(familyBit(address));
    }

    /**
     * Parses an operator's value: "ipv4", "ipv6" or "both", case-insensitive.
     *
     * @throws IllegalArgumentException naming the value and what is expected
     */
    public static AddressFamilies parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "ipv4" -> IPV4;
            case "ipv6" -> IPV6;
            case "both" -> BOTH;
            default -> throw new IllegalArgumentException("families: " + text + " (expected: ipv4, ipv6 or both)");
        };
    }
}
