package org.mirrorgate.scan.monitor;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
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
 */
final class FamilyLearner {

    private final Index index;
    private final EventLog events;
    private final HostResolver resolver;
    private final Duration timeout;
    /** Daemon threads that end after a minute idle: nothing to stop with the monitor. */
    private final ExecutorService lookups = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "mirror-dns");
        t.setDaemon(true);
        return t;
    });

    FamilyLearner(Index index, EventLog events, HostResolver resolver, Duration timeout) {
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
        Set<String> hosts = new LinkedHashSet<>();
        for (URI u : new URI[] {spec.httpUrl(), spec.httpsUrl()}) {
            if (u != null && u.getHost() != null) {
                hosts.add(u.getHost());
            }
        }
        int common = 3;
        int any = 0;
        for (String host : hosts) {
            int mask = familiesOf(mirror, host);
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
            events.record(mirror, "families", "reachable over " + describe(learned) + " (DNS of " + String.join(", ", hosts)
                    + (before.families().known() ? "; was " + describe(before.families()) : "") + ")");
        }
        return learned;
    }

    /** The family bits of {@code host}'s addresses; 0 when the look-up failed or timed out. */
    private int familiesOf(String mirror, String host) {
        // [2001:db8::1] in a URL: the literal, as the JDK resolver takes it without brackets
        String name = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        Future<List<InetAddress>> f = lookups.submit(() -> resolver.resolve(name));
        try {
            int mask = 0;
            for (InetAddress a : f.get(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                mask |= AddressFamilies.familyBit(a);
            }
            return mask;
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

    private static String describe(AddressFamilies f) {
        return switch (f) {
            case IPV4 -> "IPv4 only";
            case IPV6 -> "IPv6 only";
            default -> "IPv4 and IPv6";
        };
    }
}
