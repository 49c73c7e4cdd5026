package org.mirrorgate.downloadlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The real signal, sent to this JVM with kill(1), runs the handler. */
class ReopenSignalTest {

    @Test
    void sigusr1RunsTheReopen() throws Exception {
        AtomicInteger reopens = new AtomicInteger();
        assertThat(ReopenSignal.install(reopens::incrementAndGet)).isTrue();

        for (int i = 1; i <= 2; i++) {
            Process kill = new ProcessBuilder("kill", "-USR1", Long.toString(ProcessHandle.current().pid())).start();
            assertThat(kill.waitFor()).isZero();
            int expected = i;
            await().atMost(Duration.ofSeconds(10)).until(() -> reopens.get() == expected);
        }
    }
}
