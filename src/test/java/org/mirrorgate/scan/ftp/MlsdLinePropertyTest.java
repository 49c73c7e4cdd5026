package org.mirrorgate.scan.ftp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.StringLength;

/** A hostile FTP server's MLSD lines: parsed or null, never an exception; good lines keep every fact. */
class MlsdLinePropertyTest {

    @Provide
    Arbitrary<String> mlsdLikeLines() {
        Arbitrary<String> pieces = Arbitraries.of("type=file;", "type=dir;", "type=OS.unix=slink:", "size=",
                "modify=", "20240115081333", ".5", "99999999999999999999", "-1", ";", "=", " ", "name", "x",
                "2024011508133", "\u00fc");
        return Arbitraries.oneOf(pieces.list().ofMaxSize(12).map(l -> String.join("", l)),
                Arbitraries.strings().ofMaxLength(80));
    }

    @Property(tries = 3000, seed = "13")
    void anyLineParsesOrIsNullNeverThrows(@ForAll("mlsdLikeLines") String line) {
        MlsdLine m = MlsdLine.parse(line);
        if (m != null) {
            assertThat(m.type()).isNotNull();
            assertThat(m.size()).isGreaterThanOrEqualTo(-1);
            assertThat(line).endsWith(" " + m.name());
        }
        assertThat(MlsdLine.parseTime(line)).isGreaterThanOrEqualTo(-1);
    }

    @Property(tries = 1000, seed = "13")
    void wellFormedLinesKeepSizeTimeAndName(@ForAll @LongRange(max = 999_999_999_999_999_999L) long size,
            @ForAll @IntRange(min = 1970, max = 2200) int year, @ForAll @IntRange(min = 1, max = 12) int month,
            @ForAll @IntRange(min = 1, max = 28) int day, @ForAll @IntRange(max = 86_399) int second,
            @ForAll @StringLength(min = 1, max = 30) String name) {
        LocalDateTime t = LocalDateTime.of(year, month, day, 0, 0).plusSeconds(second);
        String stamp = String.format("%04d%02d%02d%02d%02d%02d", year, month, day, t.getHour(), t.getMinute(),
                t.getSecond());
        MlsdLine m = MlsdLine.parse("Type=file;Size=" + size + ";Modify=" + stamp + ";perm=r; " + name);
        assertThat(m).isNotNull();
        assertThat(m.type()).isEqualTo("file");
        assertThat(m.size()).isEqualTo(size);
        assertThat(m.modifyMillis()).isEqualTo(t.toInstant(ZoneOffset.UTC).toEpochMilli());
        assertThat(m.name()).isEqualTo(name);
    }
}
