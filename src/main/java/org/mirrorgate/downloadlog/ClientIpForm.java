package org.mirrorgate.downloadlog;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import com.google.common.net.InetAddresses;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * How the download log writes the client's address ({@code downloads.log-client-ip}): what an
 * operator may keep is a privacy decision, so the log holds no more than the operator chose.
 */
public enum ClientIpForm {
    /** As Nginx sent it. */
    FULL,
    /** The network only: IPv4 to its /24 ({@code 192.0.2.0}), IPv6 to its /48 ({@code 2001:db8:1::}). */
    TRUNCATED,
    /**
     * A keyed hash (HMAC-SHA-256, first 64 bits, hex): one client's lines can be told apart from
     * another's, but the address cannot be recovered. The key is drawn at each start and never
     * written anywhere, so the hashes of two runs are not comparable: an unkeyed hash of an IPv4
     * address is reversed by hashing all 2^32 of them.
     */
    HASHED,
    /** Left out. */
    NONE;

    /** The form to write; {@code hashKey} is only used by {@link #HASHED}. */
    String apply(String ip, HashFunction hashKey) {
        return switch (this) {
            case FULL -> ip;
            case TRUNCATED -> truncate(ip);
            case HASHED -> hashKey.hashString(ip, StandardCharsets.UTF_8).toString().substring(0, 16);
            case NONE -> "";
        };
    }

    static HashFunction newHashKey() {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        return Hashing.hmacSha256(key);
    }

    static String truncate(String ip) {
        InetAddress a;
        try {
            a = InetAddresses.forString(ip); // a literal only: never a DNS lookup
        } catch (IllegalArgumentException e) {
            return ""; // Resolve refused it before any decision; nothing to keep
        }
        byte[] b = a.getAddress();
        int keep = a instanceof Inet4Address ? 3 : 6;
        Arrays.fill(b, keep, b.length, (byte) 0);
        try {
            return InetAddresses.toAddrString(InetAddress.getByAddress(b)); // bytes only: no lookup either
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e); // 4 or 16 bytes, as InetAddresses gave them
        }
    }
}
