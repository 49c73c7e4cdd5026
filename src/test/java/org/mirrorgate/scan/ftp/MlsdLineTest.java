package org.mirrorgate.scan.ftp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class MlsdLineTest {

    @Test
    void factsAndANameWithSpacesAreRead() {
        MlsdLine l = MlsdLine.parse("Type=file;Size=1234;Modify=20240115081333;perm=r;  two spaces.deb");
        assertThat(l.type()).isEqualTo("file");
        assertThat(l.size()).isEqualTo(1234);
        assertThat(l.modifyMillis()).isEqualTo(Instant.parse("2024-01-15T08:13:33Z").toEpochMilli());
        assertThat(l.modifyHasMillis()).isFalse();
        assertThat(l.name()).isEqualTo(" two spaces.deb");
    }

    @Test
    void fractionalSecondsGiveMillisecondPrecision() {
        MlsdLine l = MlsdLine.parse("type=file;size=1;modify=20240115081333.25; f");
        assertThat(l.modifyMillis()).isEqualTo(Instant.parse("2024-01-15T08:13:33.250Z").toEpochMilli());
        assertThat(l.modifyHasMillis()).isTrue();
    }

    @Test
    void malformedLinesAndFactsAreRefused() {
        assertThat(MlsdLine.parse("no-facts-here")).isNull();
        assertThat(MlsdLine.parse("size=1; no type")).isNull();
        assertThat(MlsdLine.parse("type=file;size=-1;modify=2024; f").size()).isEqualTo(-1);
        assertThat(MlsdLine.parse("type=file;size=1;modify=20241315081333; f").modifyMillis()).isEqualTo(-1);
        assertThat(MlsdLine.parseTime("20240115081333x")).isEqualTo(-1);
    }
}
