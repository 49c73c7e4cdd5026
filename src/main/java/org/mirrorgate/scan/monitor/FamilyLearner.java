package org.mirrorgate.scan.monitor;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.mirrorgate.index.Index;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.mirror.AddressFamilies;
import org.mirrorgate.mirror.EventLog;
import org.mirrorgate.mirror.MirrorSpec;
import org.mirrorgate.mirror.MirrorState;

/**
 * Learns which address families a mirror is reachable over from the A and AAAA records of its
 * redirect hosts (http-url, https-url), with each health probe: off the request path, and on the
 * replica that probes the mirror, whose {@link MirrorState#families()} reaches the others through
 * the store. A mirror whose declaration names its families is not looked up.
 *
 * <p>The families are those every redirect host has (a client may be sent to either URL); hosts
 * with none in common give both (fail open). A failed or timed-out look-up keeps what was learned
 * before: a DNS hiccup must not move traffic, and a name that stopped resolving is the health
 * probe's to report. Each look-up runs on its own daemon thread, waited for at most the probe
 * timeout: the JDK resolver cannot be interrupted, so a hung one is abandoned, not waited on.
 *
 * <p>A host with records of both families is also checked per family ({@link FamilyCheck}: a TCP
 * connect to one address of each, at once): a family whose address refuses or times out while the
 * other answers is left out, so a broken AAAA does not draw IPv6 clients. Where this machine lacks a
 * family, or neither answers (the health probe's to report), the records decide.
 */
final class FamilyLearner {

    private final Index index;
    private final EventLog events;
    private final HostResolver resolver;
    private final Duration timeout;
    private final FamilyCheck check;
    /** Daemon threads that end after a minute idle: nothing to stop with the monitor. */
    private final ExecutorService lookups = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "mirror-dns");
        t.setDaemon(true);
        return t;
    });

    /** The records alone decide (no per-family check). */
    FamilyLearner(Index index, EventLog events, HostResolver resolver, Duration timeout) {
        this(index, events, resolver, timeout, FamilyCheck.NONE);
    }

    FamilyLearner(Index index, EventLog events, HostResolver resolver, Duration timeout, FamilyCheck check) {
        this.check = requireNonNull(check, "check");
        this.index = requireNonNull(index, "index");
        this.events = requireNonNull(events, "events");
        this.resolver = requireNonNull(resolver, "resolver");
        this.timeout = requireNonNull(timeout, "timeout");
    }

    /**
     * Looks {@code mirror}'s hosts up and stores what they show in its state.
     *
     * @return the families learned now, or {@link AddressFamilies#UNKNOWN} when nothing was
     *     learned (declared, unknown mirror, a look-up failed)
     */
    AddressFamilies learn(String mirror) {
        IndexSnapshot snap = index.snapshot();
        int pos = snap.positionOf(mirror);
        if (pos < 0 || snap.spec(pos).families().known()) {
            return AddressFamilies.UNKNOWN;
        }
        MirrorSpec spec = snap.spec(pos);
        Map<String, URI> hosts = new LinkedHashMap<>();
        for (URI u : new URI[] {spec.httpUrl(), spec.httpsUrl()}) {
            if (u != null && u.getHost() != null) {
                hosts.putIfAbsent(u.getHost(), u);
            }
        }
        int common = 3;
        int any = 0;
        for (var host : hosts.entrySet()) {
            int mask = familiesOf(mirror, host.getKey(), host.getValue());
            if (mask == 0) {
                return AddressFamilies.UNKNOWN;
            }
            common &= mask;
            any |= mask;
        }
        AddressFamilies learned = AddressFamilies.ofMask(common != 0 ? common : any);
        if (!learned.known()) {
            return learned;
        }
        MirrorState before = snap.state(pos);
        try {
            index.updateMirrorState(mirror, s -> s.withFamilies(learned));
        } catch (IllegalArgumentException removed) {
            return AddressFamilies.UNKNOWN; // removed meanwhile
        }
        if (before.families() != learned) {
            events.record(mirror, "families", "reachable over " + describe(learned) + " (DNS of " + String.join(", ", hosts.keySet())
                    + (before.families().known() ? "; was " + describe(before.families()) : "") + ")");
        }
        return learned;
    }

    /**
     * The family bits of {@code host}'s addresses, less a family that does not answer while the
     * other does; 0 when the look-up failed or timed out.
     */
    private int familiesOf(String mirror, String host, URI url) {
        // [2001:db8::1] in a URL: the literal, as the JDK resolver takes it without brackets
        String name = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        Future<List<InetAddress>> f = lookups.submit(() -> resolver.resolve(name));
        try {
            InetAddress[] first = new InetAddress[4]; // the first address of each family bit (1, 2)
            int mask = 0;
            for (InetAddress a : f.get(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                int bit = AddressFamilies.familyBit(a);
                mask |= bit;
                if (first[bit] == null) {
                    first[bit] = a;
                }
            }
            return mask == 3 ? checked(mirror, host, url, first[1], first[2]) : mask;
        } catch (TimeoutException e) {
            f.cancel(true);
            events.record(mirror, "families", "DNS look-up of " + host + " took over " + timeout.toMillis()
                    + " ms: address families kept as they were");
            return 0;
        } catch (ExecutionException e) {
            return 0; // unknown host: the health probe reports it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** Both families resolved: the one that does not answer is left out when the other does. */
    private int checked(String mirror, String host, URI url, InetAddress v4, InetAddress v6)
            throws InterruptedException {
        int port = url.getPort() > 0 ? url.getPort() : "https".equals(url.getScheme()) ? 443 : 80;
        Future<FamilyCheck.Outcome> over4 = lookups.submit(() -> check.check(v4, port, timeout));
        Future<FamilyCheck.Outcome> over6 = lookups.submit(() -> check.check(v6, port, timeout));
        FamilyCheck.Outcome a = outcome(over4);
        FamilyCheck.Outcome b = outcome(over6);
        if (a == FamilyCheck.Outcome.ANSWERS && b == FamilyCheck.Outcome.DOES_NOT_ANSWER) {
            return 1;
        }
        if (b == FamilyCheck.Outcome.ANSWERS && a == FamilyCheck.Outcome.DOES_NOT_ANSWER) {
            return 2;
        }
        return 3;
    }

    private FamilyCheck.Outcome outcome(Future<FamilyCheck.Outcome> f) throws InterruptedException {
        try {
            return f.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            f.cancel(true);
            return FamilyCheck.Outcome.CANNOT_TELL;
        }
    }

    private static String describe(AddressFamilies f) {
        return switch (f) {
            case IPV4 -> "IPv4 only";
            case IPV6 -> "IPv6 only";
            default -> "IPv4 and IPv6";
        };
    }
}
