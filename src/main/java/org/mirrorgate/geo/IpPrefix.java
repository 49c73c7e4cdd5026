package org.mirrorgate.geo;

import static java.util.Objects.requireNonNull;

import com.google.common.net.InetAddresses;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 network in CIDR notation, such as {@code 192.0.2.0/24} or {@code 2001:db8::/32}.
 *
 * <p>Immutable and thread-safe. Parsing never touches DNS and is strict: host bits must be zero, so
 * a typo such as {@code 192.0.2.1/16} is reported instead of silently widened. An IPv4-mapped
 * prefix ({@code ::ffff:192.0.2.0/120}) is the IPv4 prefix it stands for ({@code 192.0.2.0/24}),
 * matching {@link IpAddresses#parse}, which maps such addresses to IPv4 too.
 */
public final class IpPrefix {

    private final byte[] network;
    private final int length;

    private IpPrefix(byte[] network, int length) {
        this.network = network;
        this.length = length;
    }

    /**
     * Parses {@code address/length}.
     *
     * @throws IllegalArgumentException with a message such as {@code prefix: 192.0.2.0/33
     *     (expected: IPv4 prefix length 0..32)}; also when the address is not a literal or host bits
     *     are set
     */
    public static IpPrefix parse(String text) {
        requireNonNull(text, "text");
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw invalid(text, "address/length, such as 192.0.2.0/24 or 2001:db8::/32");
        }
        String literal = text.substring(0, slash);
        InetAddress address = IpAddresses.parse("prefix", text, literal);
        boolean ipv4 = address instanceof Inet4Address;
        boolean mapped = ipv4 && literal.indexOf(':') >= 0;
        int max = ipv4 && !mapped ? 32 : 128;
        int length = parseLength(text.substring(slash + 1), max);
        if (length < 0) {
            throw invalid(text, (ipv4 && !mapped ? "IPv4" : "IPv6") + " prefix length 0.." + max);
        }
        if (mapped) {
            if (length < 96) {
                throw invalid(text, "IPv4-mapped prefix length 96..128");
            }
            length -= 96;
        }
        byte[] bytes = address.getAddress();
        byte[] network = masked(bytes, length);
        if (!Arrays.equals(bytes, network)) {
            throw invalid(text, "no host bits set, as in " + format(network, length));
        }
        return new IpPrefix(network, length);
    }

    /** The prefix length in bits: 0..32 for IPv4, 0..128 for IPv6. */
    public int length() {
        return length;
    }

    /** True for an IPv6 prefix. */
    public boolean isIpv6() {
        return network.length == 16;
    }

    /**
     * True when {@code address} lies in this network. An address of the other family never does;
     * an IPv4-mapped IPv6 address counts as the IPv4 address it stands for.
     */
    public boolean contains(InetAddress address) {
        byte[] bytes = IpAddresses.unmapped(requireNonNull(address, "address")).getAddress();
        if (bytes.length != network.length) {
            return false;
        }
        int whole = length / 8;
        for (int i = 0; i < whole; i++) {
            if (bytes[i] != network[i]) {
                return false;
            }
        }
        int rest = length % 8;
        return rest == 0 || ((bytes[whole] ^ network[whole]) & (0xff00 >> rest)) == 0;
    }

    /** Canonical text: the address in its shortest form (RFC 5952 for IPv6), a slash, the length. */
    @Override
    public String toString() {
        return format(network, length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpPrefix other && length == other.length && Arrays.equals(network, other.network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + length;
    }

    /** The length as a number in 0..max, or -1; digits only, so no sign, space or "0x". */
    private static int parseLength(String digits, int max) {
        if (digits.isEmpty() || digits.length() > 3) {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value <= max ? value : -1;
    }

    private static byte[] masked(byte[] bytes, int length) {
        byte[] out = bytes.clone();
        for (int bit = length; bit < out.length * 8; bit++) {
            out[bit / 8] &= (byte) ~(0x80 >> (bit % 8));
        }
        return out;
    }

    private static String format(byte[] network, int length) {
        try {
            return InetAddresses.toAddrString(InetAddress.getByAddress(network)) + "/" + length;
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e); // 4 or 16 bytes are always an address
        }
    }

    private static IllegalArgumentException invalid(String text, String expected) {
        return new IllegalArgumentException("prefix: " + IpAddresses.shown(text) + " (expected: " + expected + ")");
    }
}
