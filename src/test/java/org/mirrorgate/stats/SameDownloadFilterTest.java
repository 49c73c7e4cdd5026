package org.mirrorgate.stats;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.base.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SameDownloadFilterTest {

    private final long[] nanos = {0};
    private final Ticker ticker = new Ticker() {
        @Override
        public long read() {
            return nanos[0];
        }
    };
    private final List<String> counted = new ArrayList<>();
    private final DownloadRecorder sink = new DownloadRecorder() {
        @Override
        public void record(String path, String mirror, String country, long bytes) {
            counted.add(path + "@" + mirror);
        }

        @Override
        public void recordList(String kind) {
            counted.add("list:" + kind);
        }
    };

    private SameDownloadFilter filter(Duration window, int clients) {
        return new SameDownloadFilter(sink, new CountingSettings(window, clients), ticker);
    }

    private void advance(Duration d) {
        nanos[0] += d.toNanos();
    }

    @Test
    void repeatedRequestsOfOneClientForOneFileWithinTheWindowCountOnce() {
        SameDownloadFilter f = filter(Duration.ofMinutes(10), 1000);
        for (int i = 0; i < 5; i++) { // a download fetched in five Range parts
            f.record("192.0.2.1", "pool/a.deb", "m1", "DE", 100);
            advance(Duration.ofMinutes(1));
        }
        assertThat(counted).containsExactly("pool/a.deb@m1");
    }

    @Test
    void listRequestsPassThroughUnfiltered() { // the filter sits before the counters when it is on
        SameDownloadFilter f = filter(Duration.ofMinutes(10), 1000);
        f.recordList("apt");
        f.recordList("apt");
        assertThat(counted).containsExactly("list:apt", "list:apt");
    }

    @Test
    void theWindowRunsFromTheFirstRequestSoALaterDownloadCountsAgain() {
        SameDownloadFilter f = filter(Duration.ofMinutes(10), 1000);
        f.record("192.0.2.1", "pool/a.deb", "m1", "DE", 100);
        advance(Duration.ofMinutes(9));
        f.record("192.0.2.1", "pool/a.deb", "m1", "DE", 100); // within: not counted, and not extending it
        advance(Duration.ofMinutes(1).plusSeconds(1));
        f.record("192.0.2.1", "pool/a.deb", "m2", "DE", 100);
        assertThat(counted).containsExactly("pool/a.deb@m1", "pool/a.deb@m2");
    }

    @Test
    void anotherClientOrAnotherFileIsAnotherDownload() {
        SameDownloadFilter f = filter(Duration.ofMinutes(10), 1000);
        f.record("192.0.2.1", "pool/a.deb", "m1", "DE", 100);
        f.record("192.0.2.2", "pool/a.deb", "m1", "DE", 100);
        f.record("192.0.2.1", "pool/b.deb", "m1", "DE", 100);
        f.record("2001:db8::1", "pool/a.deb", "m1", "DE", 100);
        // the separator keeps ("1.2.3.4", "5/x") and ("1.2.3.45", "/x") apart
        f.record("192.0.2.1", "0/x", "m1", "DE", 1);
        f.record("192.0.2.10", "/x", "m1", "DE", 1);
        assertThat(counted).hasSize(6);
    }

    @Test
    void aZeroWindowCountsEveryRequest() {
        SameDownloadFilter f = filter(Duration.ZERO, 1000);
        for (int i = 0; i < 3; i++) {
            f.record("192.0.2.1", "pool/a.deb", "m1", "DE", 100);
        }
        assertThat(counted).hasSize(3);
        assertThat(f.remembered()).isZero();
    }

    @Test
    void memoryIsBoundedByTheClientLimitForgettingTheOldest() {
        SameDownloadFilter f = filter(Duration.ofHours(1), 1000);
        for (int i = 0; i < 50_000; i++) { // a flood of distinct clients
            f.record("10.0." + (i >> 8 & 255) + "." + (i & 255) + "/" + i, "pool/a.deb", "m1", "", 1);
        }
        assertThat(counted).hasSize(50_000);
        assertThat(f.remembered()).isLessThanOrEqualTo(1000);
        counted.clear();
        f.record("10.0.0.0/0", "pool/a.deb", "m1", "", 1); // the first one was forgotten: counted again
        assertThat(counted).hasSize(1);
    }

    @Test
    void aRecordWithoutTheAddressIsAlwaysCounted() {
        SameDownloadFilter f = filter(Duration.ofMinutes(10), 1000);
        f.record("pool/a.deb", "m1", "DE", 100);
        f.record("pool/a.deb", "m1", "DE", 100);
        assertThat(counted).hasSize(2);
    }
}
