package org.mirrorgate.geo;

import java.net.InetAddress;

/** TEMPORARY stub until the geo branch lands. */
public final class IpPrefix {
    private final byte[] network;
    private final int length;
    private final String text;

    private IpPrefix(byte[] network, int length, String text) {
        this.network = network;
        this.length = length;
        this.text = text;
    }

    public static IpPrefix parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("prefix: " + text + " (expected: address/length)");
        }
        InetAddress a = IpAddresses.parse(text.substring(0, slash));
        int len = Integer.parseInt(text.substring(slash + 1));
        return new IpPrefix(a.getAddress(), len, text);
    }

    public boolean contains(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length != network.length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            int mask = 0x80 >>> (i & 7);
            if ((b[i >> 3] & mask) != (network[i >> 3] & mask)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return text;
    }
}
