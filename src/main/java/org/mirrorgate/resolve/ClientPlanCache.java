package org.mirrorgate.resolve;

import java.net.InetAddress;
import org.mirrorgate.geo.GeoLookup;
import org.mirrorgate.geo.IpAddresses;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.rank.ClientPlan;
import org.mirrorgate.rank.Ranker;

/**
 * Client plans by the client's address text, direct-mapped: a slot per hash, a newer client
 * overwrites an older one. No locks, no eviction bookkeeping, no allocation on a hit; a hit
 * skips address parsing, GeoIP and the per-mirror distance sort.
 *
 * <p>Racy by design: slots hold immutable entries (final fields), so a reader sees either a whole
 * old entry or a whole new one, and a lost write only costs a recomputation.
 */
final class ClientPlanCache {

    private record Entry(String ip, ClientPlan plan) {}

    private final Entry[] slots;
    private final int mask;
    private final GeoLookup geo;
    private final Ranker ranker;

    ClientPlanCache(int size, GeoLookup geo, Ranker ranker) {
        int capacity = Integer.highestOneBit(Math.max(1, size - 1)) << 1;
        this.slots = new Entry[capacity];
        this.mask = capacity - 1;
        this.geo = geo;
        this.ranker = ranker;
    }

    ClientPlan plan(IndexSnapshot snap, String clientIp) throws InvalidRequestException {
        int slot = (clientIp.hashCode() * 0x9E3779B1) >>> 16 & mask;
        Entry e = slots[slot];
        if (e != null && e.plan.isCurrent(snap) && e.ip.equals(clientIp)) {
            return e.plan;
        }
        InetAddress address = parse(clientIp);
        ClientPlan plan = ranker.plan(snap, address, geo.lookup(address));
        slots[slot] = new Entry(clientIp, plan);
        return plan;
    }

    static InetAddress parse(String clientIp) throws InvalidRequestException {
        try {
            return IpAddresses.parse(clientIp);
        } catch (IllegalArgumentException e) {
            String m = String.valueOf(e.getMessage());
            throw new InvalidRequestException(m.startsWith("client_ip") ? m : "client_ip: " + m);
        }
    }
}
