package org.mirrorgate.scan.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mirrorgate.lease.InProcessScanLease;
import org.mirrorgate.mirror.AddressFamilies;
import org.mirrorgate.mirror.MirrorEvent;
import org.mirrorgate.mirror.MirrorSpec;
import org.mirrorgate.testing.MirrorScanFixture;

/** A mirror's address families learned from the A/AAAA records of its redirect hosts, through a test resolver. */
class FamilyLearnerTest {

    private final Map<String, List<InetAddress>> dns = new ConcurrentHashMap<>();
    private final List<String> asked = java.util.Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch hang = new CountDownLatch(1);
    private MirrorMonitor monitor;

    /** The test's DNS: {@link #dns}, "hung.example" never answers, anything else is unknown. */
    private final HostResolver resolver = host -> {
        asked.add(host);
        if (host.equals("hung.example")) {
            try {
                hang.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<InetAddress> a = dns.get(host);
        if (a == null) {
            throw new UnknownHostException(host);
        }
        return a;
    };

    @AfterEach
    void stop() {
        hang.countDown();
        if (monitor != null) {
            monitor.stop();
        }
    }

    private static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal); // a literal: no look-up
    }

    private static MirrorSpec web(String name, String http, String https) {
        return MirrorScanFixture.mirror(name, http, https, null, null);
    }

    private AddressFamilies learned(MirrorScanFixture fx, String mirror) {
        var s = fx.index.snapshot();
        return s.state(s.positionOf(mirror)).families();
    }

    @Test
    void aRecordsOnlyMakeAnIpv4MirrorAaaaOnlyAnIpv6OneAndBothADualStackOne() throws Exception {
        dns.put("v4.example", List.of(ip("192.0.2.1")));
        dns.put("v6.example", List.of(ip("2001:db8::1")));
        dns.put("dual.example", List.of(ip("192.0.2.2"), ip("2001:db8::2")));
        var fx = new MirrorScanFixture(List.of(web("a", "http://v4.example/d/", null),
                web("b", null, "https://v6.example/d/"), web("c", "http://dual.example/d/", "https://dual.example/d/"),
                web("d", "http://dual.example/d/", "https://v6.example/d/")));
        var learner = new FamilyLearner(fx.index, fx.events, resolver, Duration.ofSeconds(2));
        assertThat(learner.learn("a")).isEqualTo(AddressFamilies.IPV4);
        assertThat(learner.learn("b")).isEqualTo(AddressFamilies.IPV6);
        asked.clear();
        assertThat(learner.learn("c")).isEqualTo(AddressFamilies.BOTH);
        assertThat(asked).as("one look-up per host").containsExactly("dual.example");
        assertThat(learner.learn("d")).as("what every redirect host has: https is IPv6 only")
                .isEqualTo(AddressFamilies.IPV6);
        assertThat(learned(fx, "a")).isEqualTo(AddressFamilies.IPV4);
        assertThat(learned(fx, "d")).isEqualTo(AddressFamilies.IPV6);
        assertThat(fx.events.recent("a", 5)).extracting(MirrorEvent::message)
                .contains("reachable over IPv4 only (DNS of v4.example)");

        // The mirror gains an AAAA record: learned at the next look-up, and the change is told.
        dns.put("v4.example", List.of(ip("192.0.2.1"), ip("2001:db8::3")));
        assertThat(learner.learn("a")).isEqualTo(AddressFamilies.BOTH);
        assertThat(fx.events.recent("a", 1).get(0).message())
                .isEqualTo("reachable over IPv4 and IPv6 (DNS of v4.example; was IPv4 only)");
    }

    @Test
    void hostsWithNoFamilyInCommonGiveBothAndAddressLiteralsNeedNoDns() throws Exception {
        dns.put("v4.example", List.of(ip("192.0.2.1")));
        dns.put("2001:db8::9", List.of(ip("2001:db8::9")));
        var fx = new MirrorScanFixture(List.of(web("split", "http://v4.example/", "https://[2001:db8::9]/"),
                web("lit", "http://[2001:db8::9]/debian/", null)));
        var learner = new FamilyLearner(fx.index, fx.events, resolver, Duration.ofSeconds(2));
        assertThat(learner.learn("split")).isEqualTo(AddressFamilies.BOTH);
        assertThat(learner.learn("lit")).isEqualTo(AddressFamilies.IPV6);
        assertThat(asked).as("brackets stripped, as the system resolver takes a literal").contains("2001:db8::9");
        var real = new MirrorScanFixture(List.of(web("loop6", "http://[::1]:8080/", null),
                web("loop4", "http://127.0.0.2:8080/", null)));
        var system = new FamilyLearner(real.index, real.events, HostResolver.SYSTEM, Duration.ofSeconds(2));
        assertThat(system.learn("loop6")).isEqualTo(AddressFamilies.IPV6);
        assertThat(system.learn("loop4")).isEqualTo(AddressFamilies.IPV4);
    }

    @Test
    void aDeclaredMirrorIsNotLookedUpAndAFailedOrHungLookUpKeepsWhatWasLearned() throws Exception {
        dns.put("v4.example", List.of(ip("192.0.2.1")));
        var fx = new MirrorScanFixture(List.of(web("declared", "http://v4.example/", null).withFamilies(AddressFamilies.BOTH),
                web("gone", "http://gone.example/", null), web("hung", "http://hung.example/", null)));
        var learner = new FamilyLearner(fx.index, fx.events, resolver, Duration.ofMillis(300));
        assertThat(learner.learn("declared")).isEqualTo(AddressFamilies.UNKNOWN);
        assertThat(asked).isEmpty();

        fx.index.updateMirrorState("gone", s -> s.withFamilies(AddressFamilies.IPV6));
        assertThat(learner.learn("gone")).isEqualTo(AddressFamilies.UNKNOWN);
        assertThat(learned(fx, "gone")).as("an unknown host moves no traffic").isEqualTo(AddressFamilies.IPV6);

        fx.index.updateMirrorState("hung", s -> s.withFamilies(AddressFamilies.IPV4));
        long t0 = System.nanoTime();
        assertThat(learner.learn("hung")).isEqualTo(AddressFamilies.UNKNOWN);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("given up after the timeout").isLessThan(Duration.ofSeconds(5));
        assertThat(learned(fx, "hung")).isEqualTo(AddressFamilies.IPV4);
        assertThat(fx.events.recent("hung", 1).get(0).message())
                .isEqualTo("DNS look-up of hung.example took over 300 ms: address families kept as they were");
    }

    @Test
    void theMonitorLearnsFamiliesWithItsScheduledProbes() throws Exception {
        dns.put("v6.example", List.of(ip("2001:db8::1")));
        var fx = new MirrorScanFixture(List.of(web("m", "http://v6.example/debian/", null)));
        var b = fx.index.snapshot().files().toBuilder();
        b.put("f", 1, 1000, 1);
        fx.index.publishFiles(b); // scans and probes wait for the first local walk
        monitor = new MirrorMonitor(fx.index, fx.events, MirrorScanFixture.quick(""), Map.of(),
                System::currentTimeMillis, new InProcessScanLease(), m -> true, Map.of(), Duration.ofMillis(10),
                resolver);
        monitor.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> learned(fx, "m") == AddressFamilies.IPV6);
    }

    @Test
    void aDualStackHostThatDoesNotAnswerOverOneFamilyIsLearnedAsTheOtherOnly() throws Exception {
        try (java.net.ServerSocket v4 = new java.net.ServerSocket(0, 50, ip("127.0.0.1"))) {
            int port = v4.getLocalPort();
            dns.put("dual.example", List.of(ip("127.0.0.1"), ip("::1")));
            var fx = new MirrorScanFixture(List.of(web("m", "http://dual.example:" + port + "/d/", null)));
            var learner = new FamilyLearner(fx.index, fx.events, resolver, Duration.ofSeconds(2), FamilyCheck.TCP);
            // only 127.0.0.1 listens on the port: ::1 refuses, as it would an IPv6 client
            assertThat(learner.learn("m")).isEqualTo(AddressFamilies.IPV4);
            assertThat(learned(fx, "m")).isEqualTo(AddressFamilies.IPV4);
            try (java.net.ServerSocket v6 = new java.net.ServerSocket(port, 50, ip("::1"))) {
                assertThat(learner.learn("m")).as("both answer").isEqualTo(AddressFamilies.BOTH);
            }
        }
        try (java.net.ServerSocket v6 = new java.net.ServerSocket(0, 50, ip("::1"))) {
            dns.put("dual6.example", List.of(ip("127.0.0.1"), ip("::1")));
            var fx = new MirrorScanFixture(List.of(web("n", "http://dual6.example:" + v6.getLocalPort() + "/d/", null)));
            var learner = new FamilyLearner(fx.index, fx.events, resolver, Duration.ofSeconds(2), FamilyCheck.TCP);
            assertThat(learner.learn("n")).isEqualTo(AddressFamilies.IPV6);
        }
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 50, ip("127.0.0.1"))) {
            closed = s.getLocalPort();
        }
        dns.put("down.example", List.of(ip("127.0.0.1"), ip("::1")));
        var fx = new MirrorScanFixture(List.of(web("o", "http://down.example:" + closed + "/d/", null)));
        var learner = new FamilyLearner(fx.index, fx.events, resolver, Duration.ofSeconds(2), FamilyCheck.TCP);
        assertThat(learner.learn("o")).as("neither answers: the health probe's to say, the records decide")
                .isEqualTo(AddressFamilies.BOTH);
    }
}
