package org.mirrorgate.scan.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class TraceParserTest {

    private static final long T = Instant.parse("2024-04-22T20:24:33Z").toEpochMilli();

    @Test
    void ftpsyncTracesAreReadFromTheirDateLine() {
        assertThat(TraceParser.parse(List.of("Mon Apr 22 20:24:33 UTC 2024", "Date: Mon, 22 Apr 2024 20:24:33 +0000",
                "Date-Started: Mon, 22 Apr 2024 20:20:07 +0000", "Archive serial: 2024042202")))
                .isEqualTo(OptionalLong.of(T));
    }

    @Test
    void ftpsyncTracesSayWhenTheSyncStarted() {
        assertThat(TraceParser.started(List.of("Mon Apr 22 20:24:33 UTC 2024", "Date: Mon, 22 Apr 2024 20:24:33 +0000",
                "Date-Started: Mon, 22 Apr 2024 20:20:07 +0000", "Archive serial: 2024042202")))
                .isEqualTo(OptionalLong.of(T - 266_000));
        assertThat(TraceParser.started(List.of("Date: Mon, 22 Apr 2024 20:24:33 +0000"))).as("older ftpsync").isEmpty();
        assertThat(TraceParser.started(List.of("1713817473"))).isEmpty();
        assertThat(TraceParser.started(List.of("Date-Started: soon"))).isEmpty();
    }

    @Test
    void aDateCommandFirstLineIsEnoughWithoutADateLine() {
        assertThat(TraceParser.parse(List.of("Mon Apr 22 20:24:33 UTC 2024"))).isEqualTo(OptionalLong.of(T));
        assertThat(TraceParser.parse(List.of("Tue Apr  2 20:24:33 UTC 2024"))).isPresent();
    }

    @Test
    void epochSecondsAndIsoInstantsAreRead() {
        assertThat(TraceParser.parse(List.of("1713817473"))).isEqualTo(OptionalLong.of(T));
        assertThat(TraceParser.parse(List.of("1713817473 mirror.example.org"))).isEqualTo(OptionalLong.of(T));
        assertThat(TraceParser.parse(List.of("2024-04-22T20:24:33Z"))).isEqualTo(OptionalLong.of(T));
    }

    @Test
    void anythingElseHasNoTimestamp() {
        assertThat(TraceParser.parse(List.of())).isEmpty();
        assertThat(TraceParser.parse(List.of("<html>404</html>"))).isEmpty();
        assertThat(TraceParser.parse(List.of("Date: yesterday"))).isEmpty();
    }
}
