package org.mirrorgate.downloadlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorgate.geo.ClientLocation;
import org.mirrorgate.resolve.TestDecisions;

class DownloadLogTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ClientLocation DE = new ClientLocation("DE", "EU", 3320, 52.5, 13.4);

    @TempDir
    Path dir;
    private DownloadLog log;

    @AfterEach
    void close() {
        if (log != null) {
            log.close();
        }
    }

    private DownloadLog open(ClientIpForm form, long maxBytes, int queue) {
        log = new DownloadLog(new DownloadLogSettings(dir.resolve("logs/downloads.log"), form, maxBytes, 2, queue),
                () -> 1_764_720_000_123L);
        return log;
    }

    private List<String> lines(String name) throws Exception {
        Path p = dir.resolve("logs").resolve(name);
        return Files.exists(p) ? Files.readAllLines(p) : List.of();
    }

    @Test
    void writesOneJsonLinePerDecisionWithTheConfiguredAddressForm() throws Exception {
        open(ClientIpForm.TRUNCATED, 0, 1000).start();
        log.decided("/debian/pool/a.deb", "192.0.2.77", DE, TestDecisions.redirect("m1", "https://m1/a.deb", 4096));
        log.decided("/debian/pool/new.deb", "2001:db8::7", ClientLocation.UNKNOWN,
                TestDecisions.serveLocal("not indexed", 0));

        await().atMost(Duration.ofSeconds(10)).until(() -> lines("downloads.log").size() == 2);
        JsonNode first = JSON.readTree(lines("downloads.log").get(0));
        assertThat(first.get("time").asText()).isEqualTo("2025-12-03T00:00:00.123Z");
        assertThat(first.get("client").asText()).isEqualTo("192.0.2.0");
        assertThat(first.get("country").asText()).isEqualTo("DE");
        assertThat(first.get("asn").asInt()).isEqualTo(3320);
        assertThat(first.get("path").asText()).isEqualTo("/debian/pool/a.deb");
        assertThat(first.get("action").asText()).isEqualTo("redirect");
        assertThat(first.get("mirror").asText()).isEqualTo("m1");
        assertThat(first.get("reason").asText()).isEqualTo("mirror");
        assertThat(first.get("size").asLong()).isEqualTo(4096);
        JsonNode second = JSON.readTree(lines("downloads.log").get(1));
        assertThat(second.get("client").asText()).isEqualTo("2001:db8::");
        assertThat(second.get("action").asText()).isEqualTo("serve_local");
        assertThat(second.get("mirror").asText()).isEmpty();
        assertThat(log.written()).isEqualTo(2);
    }

    @Test
    void aFullQueueDropsAndCountsInsteadOfWaiting() {
        open(ClientIpForm.FULL, 0, 16); // writer not started: nothing drains the queue
        long start = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            log.decided("/p" + i, "192.0.2.1", DE, TestDecisions.redirect("m1", "https://m1/p", 1));
        }
        assertThat(System.nanoTime() - start).as("never blocks").isLessThan(Duration.ofSeconds(1).toNanos());
        assertThat(log.queued()).isEqualTo(16);
        assertThat(log.dropped()).isEqualTo(84);
    }

    @Test
    void reopenMakesTheNextLinesGoToANewFileAfterARename() throws Exception {
        open(ClientIpForm.FULL, 0, 1000).start();
        log.decided("/before", "192.0.2.1", DE, TestDecisions.redirect("m1", "u", 1));
        await().atMost(Duration.ofSeconds(10)).until(() -> lines("downloads.log").size() == 1);
        Files.move(dir.resolve("logs/downloads.log"), dir.resolve("logs/downloads.log.1")); // what logrotate does
        log.reopen();
        await().atMost(Duration.ofSeconds(10)).until(() -> log.reopened() == 1);
        log.decided("/after", "192.0.2.1", DE, TestDecisions.redirect("m1", "u", 1));

        await().atMost(Duration.ofSeconds(10)).until(() -> lines("downloads.log").size() == 1);
        assertThat(lines("downloads.log").get(0)).contains("\"/after\"");
        assertThat(lines("downloads.log.1")).singleElement().asString().contains("\"/before\"");
    }

    @Test
    void rotatesBySizeKeepingTheConfiguredNumberOfFiles() throws Exception {
        open(ClientIpForm.FULL, 400, 1000).start(); // a line is ~190 bytes: two per file
        for (int i = 0; i < 7; i++) {
            log.decided("/p" + i, "192.0.2.1", DE, TestDecisions.redirect("m1", "u", 1));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> log.written() == 7);
        log.close();
        assertThat(lines("downloads.log")).singleElement().asString().contains("\"/p6\"");
        assertThat(lines("downloads.log.1")).hasSize(2).first().asString().contains("\"/p4\"");
        assertThat(lines("downloads.log.2")).hasSize(2).first().asString().contains("\"/p2\"");
        assertThat(dir.resolve("logs/downloads.log.3")).as("keep: 2").doesNotExist();
        for (String f : List.of("downloads.log", "downloads.log.1", "downloads.log.2")) {
            assertThat(Files.size(dir.resolve("logs").resolve(f))).isLessThanOrEqualTo(400);
        }
    }

    @Test
    void anUnwritableFileCountsItsLinesAsFailed() throws Exception {
        Files.createDirectories(dir.resolve("logs/downloads.log")); // a directory where the file should be
        open(ClientIpForm.FULL, 0, 1000).start();
        log.decided("/p", "192.0.2.1", DE, TestDecisions.redirect("m1", "u", 1));
        await().atMost(Duration.ofSeconds(10)).until(() -> log.failed() == 1);
        assertThat(log.written()).isZero();
    }

    @Test
    void closeWritesWhatIsQueuedFirst() throws Exception {
        open(ClientIpForm.FULL, 0, 1000);
        for (int i = 0; i < 50; i++) {
            log.decided("/p" + i, "192.0.2.1", DE, TestDecisions.redirect("m1", "u", 1));
        }
        log.start();
        log.close();
        assertThat(lines("downloads.log")).hasSize(50);
    }
}
