package org.mirrorgate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mirrorgate.store.StateStoreContract.publish;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mirrorgate.index.Index;
import org.mirrorgate.index.IndexSnapshot;
import org.mirrorgate.mirror.InMemoryEventLog;
import org.mirrorgate.mirror.MirrorSpec;
import org.mirrorgate.mirror.ProtocolHealth;
import org.mirrorgate.scan.monitor.MirrorMonitor;
import org.mirrorgate.testing.MirrorScanFixture;
import org.mirrorgate.testing.RedisExtension;

/**
 * Probes spread over the live replicas (issue 13 item 7), with one real redis-server and two
 * replicas in this JVM: each mirror is probed by the one replica that owns it, the verdict reaches
 * the other through the store (the mirror's state), and when a replica goes its mirrors are probed
 * by the survivor.
 */
class ProbeSpreadingIT {

    private static final int MIRRORS = 12;

    @RegisterExtension
    static final RedisExtension REDIS = new RedisExtension();

    private final List<AutoCloseable> open = new ArrayList<>();
    /** mirror name -> the user agents (one per replica) that probed it since the last clear. */
    private final Map<String, Set<String>> probedBy = new ConcurrentHashMap<>();
    private HttpServer server;

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        server.stop(0);
    }

    private List<MirrorSpec> mirrors() {
        String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
        return IntStream.range(0, MIRRORS).mapToObj(i -> new MirrorSpec("m" + i, URI.create(base + "m" + i + "/"),
                null, null, null, List.of(), "", Set.of(), List.of(), new MirrorSpec.Restrictions(false, false, false),
                Set.of(), 0, 1, true, true, Double.NaN, Double.NaN)).toList(); // trusted: probed, never scanned
    }

    private record Replica(Index index, StateStore store, MirrorMonitor monitor) {}

    private Replica replica(String id) {
        Index index = new Index(mirrors(), System::currentTimeMillis);
        StateStore store = StateStore.open(StoreSettings.DEFAULTS.toBuilder().redis(REDIS.uri()).replicaId(id)
                .flushInterval(Duration.ofMillis(200)).leaseTime(Duration.ofMillis(1500))
                .replicaTtl(Duration.ofMillis(1500)).build(), index);
        open.add(store);
        MirrorMonitor monitor = new MirrorMonitor(index, new InMemoryEventLog(50, System::currentTimeMillis),
                MirrorScanFixture.quick("user-agent: replica-" + id + "\nprobe-interval: 1s\njitter: 1h\n"
                        + "interval: 1h\ndown-after: 1\nup-after: 1"),
                Map.of(), System::currentTimeMillis, store.scanLease(), store.replicas()::owns);
        open.add(monitor::stop);
        return new Replica(index, store, monitor);
    }

    @Test
    void eachMirrorIsProbedByItsOwnerOnlyTheOthersSeeTheVerdictAndASurvivorTakesOver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.createContext("/", x -> {
            String mirror = x.getRequestURI().getPath().split("/")[1];
            probedBy.computeIfAbsent(mirror, m -> ConcurrentHashMap.newKeySet())
                    .add(x.getRequestHeaders().getFirst("User-Agent"));
            x.sendResponseHeaders(mirror.equals("m0") ? 404 : 200, -1);
            x.close();
        });
        server.start();
        Replica a = replica("A");
        Replica b = replica("B");
        publish(a.index, "pool/x.deb");
        await().atMost(Duration.ofSeconds(2)).until(() -> b.index.snapshot().ready());
        await().atMost(Duration.ofSeconds(3)).until(() -> a.store.replicas().live().equals(List.of("A", "B"))
                && b.store.replicas().live().equals(List.of("A", "B")));
        Map<String, String> owner = new java.util.TreeMap<>();
        for (MirrorSpec m : mirrors()) {
            boolean byA = a.store.replicas().owns(m.name());
            assertThat(b.store.replicas().owns(m.name())).as("exactly one owner of " + m.name()).isEqualTo(!byA);
            owner.put(m.name(), "replica-" + (byA ? "A" : "B"));
        }
        System.out.println("owners: " + owner);
        assertThat(Set.copyOf(owner.values())).as("both replicas get mirrors").hasSize(2);

        a.monitor.start();
        b.monitor.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> probedBy.size() == MIRRORS);
        probedBy.clear(); // from here on, each probe round
        await().atMost(Duration.ofSeconds(5)).until(() -> probedBy.size() == MIRRORS);
        assertThat(probedBy.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> Set.copyOf(e.getValue()))))
                .as("each mirror probed by its owner alone")
                .isEqualTo(owner.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> Set.of(e.getValue()))));

        Replica notOwner = owner.get("m0").equals("replica-A") ? b : a;
        await().atMost(Duration.ofSeconds(3)).until(() -> {
            IndexSnapshot s = notOwner.index.snapshot();
            ProtocolHealth h = s.state(s.positionOf("m0")).http();
            return h.status() == ProtocolHealth.Status.DOWN && h.reason().equals("HTTP 404 on pool/x.deb");
        });

        b.monitor.stop();
        b.store.close(); // leaves the replica list; a SIGKILLed one drops out after replica-ttl (ReplicasIT)
        await().atMost(Duration.ofSeconds(3)).until(() -> a.store.replicas().live().equals(List.of("A")));
        probedBy.clear();
        await().atMost(Duration.ofSeconds(5)).until(() -> probedBy.size() == MIRRORS);
        assertThat(probedBy.values()).as("the survivor probes every mirror").allMatch(s -> s.equals(Set.of("replica-A")));
    }
}
