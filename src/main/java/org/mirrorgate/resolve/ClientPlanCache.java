package org.mirrorgate.resolve;

import java.net.InetAddress;
import org.mirrorgate.geo.GeoLookup;
import org.mirrorgate.geo.IpAddresses;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.rank.ClientPlan;
import org.mirrorgate.rank.Ranker;

/**
 * Client plans by the client's address text, two-way set-associative: each address may live in
 * one of two adjacent slots; a new client takes a free or stale slot, else pushes the older entry
 * out (the newest stays in the first way). No locks, no allocation on a hit; a hit skips address
 * parsing, GeoIP and the per-mirror distance sort. Two ways instead of one: with one, two busy
 * clients sharing a slot would evict each other on every request.
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
        int capacity = Math.max(2, Integer.highestOneBit(Math.max(1, size - 1)) << 1);
        this.slots = new Entry[capacity];
        this.mask = capacity - 1;
        this.geo = geo;
        this.ranker = ranker;
    }

    ClientPlan plan(IndexSnapshot snap, String clientIp) throws InvalidRequestException {
        int first = (clientIp.hashCode() * 0x9E3779B1) >>> 16 & mask & ~1;
        Entry a = slots[first];
        if (a != null && a.ip.equals(clientIp) && a.plan.isCurrent(snap)) {
            return a.plan;
        }
        Entry b = slots[first + 1];
        if (b != null && b.ip.equals(clientIp) && b.plan.isCurrent(snap)) {
            return b.plan;
        }
        InetAddress address = parse(clientIp);
        ClientPlan plan = ranker.plan(snap, address, geo.lookup(address));
        Entry fresh = new Entry(clientIp, plan);
        if (a != null && a.plan.isCurrent(snap) && !a.ip.equals(clientIp)) {
            slots[first + 1] = a; // the older live entry moves to the second way
        }
        slots[first] = fresh;
        return plan;
    }

    static InetAddress parse(String clientIp) throws InvalidRequestException {
        try {
            return IpAddresses.parse(clientIp);
        } catch (IllegalArgumentException e) {
            // IpAddresses says "ip: <value> (expected: ...)"; the request field is client_ip.
            String m = String.valueOf(e.getMessage());
            throw new InvalidRequestException("client_ip" + (m.startsWith("ip:") ? m.substring(2) : ": " + m));
        }
    }
}
