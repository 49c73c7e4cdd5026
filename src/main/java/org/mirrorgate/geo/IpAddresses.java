package org.mirrorgate.geo;

import com.google.common.net.InetAddresses;
import java.net.InetAddress;

/** TEMPORARY stub until the geo branch lands. */
public final class IpAddresses {
    private IpAddresses() {}

    public static InetAddress parse(String text) {
        if (text == null || text.isEmpty() || text.length() > 45 || !InetAddresses.isInetAddress(text)) {
            throw new IllegalArgumentException("client_ip: " + text + " (expected: an IPv4 or IPv6 address)");
        }
        return InetAddresses.forString(text);
    }
}
