package org.mirrorgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HumanSizesTest {

    @Test
    void printsBinaryUnitsWithOneDecimal() {
        assertThat(HumanSizes.of(0)).isEqualTo("0 B");
        assertThat(HumanSizes.of(1023)).isEqualTo("1023 B");
        assertThat(HumanSizes.of(1024)).isEqualTo("1.0 KiB");
        assertThat(HumanSizes.of(1_288_490_189L)).isEqualTo("1.2 GiB");
        assertThat(HumanSizes.of(1024L * 1024 - 1)).as("never 1024.0 KiB").isEqualTo("1.0 MiB");
        assertThat(HumanSizes.of(Long.MAX_VALUE)).isEqualTo("8.0 EiB");
    }
}
