package org.mirrorgate.stats;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ByteSizesTest {

    @Test
    void printsBinaryUnitsWithOneDecimal() {
        assertThat(ByteSizes.human(0)).isEqualTo("0 B");
        assertThat(ByteSizes.human(1023)).isEqualTo("1023 B");
        assertThat(ByteSizes.human(1024)).isEqualTo("1.0 KiB");
        assertThat(ByteSizes.human(1_288_490_189L)).isEqualTo("1.2 GiB");
        assertThat(ByteSizes.human(1024L * 1024 - 1)).as("never 1024.0 KiB").isEqualTo("1.0 MiB");
        assertThat(ByteSizes.human(Long.MAX_VALUE)).isEqualTo("8.0 EiB");
    }
}
