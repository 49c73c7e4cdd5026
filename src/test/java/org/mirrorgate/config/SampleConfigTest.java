package org.mirrorgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The shipped sample must stay loadable, and uncommenting its examples must too. */
class SampleConfigTest {

    private static final Path SAMPLE = Path.of("deploy/mirrorgate.yaml");

    @Test
    void theSampleLoadsAsShipped() throws Exception {
        MirrorgateConfig c = ConfigLoader.load(SAMPLE);
        assertThat(c.repository().root()).isEqualTo(Path.of("/srv/mirror/debian"));
        // the push-day recommendation (docs/benchmarks.md): the archive's trace, in archive mode
        assertThat(c.scan().trace().mode()).isEqualTo(org.mirrorgate.scan.ScanSettings.TraceMode.ARCHIVE);
        assertThat(c.scan().trace().path()).isEqualTo("project/trace/ftp-master.debian.org");
    }

    @Test
    void theSampleLoadsWithEveryKeyUncommented() throws Exception {
        String yaml = Files.readString(SAMPLE)
                .replaceAll("(?m)^(\\w+): \\[\\]$", "$1:")
                .replaceAll("(?m)^#(  [ -])", "$1")
                .replaceAll("(?m)^  # ([a-z-]+:)", "  $1");
        MirrorgateConfig c = ConfigLoader.parse(yaml, "uncommented", Path.of("/etc/mirrorgate"));
        assertThat(c.mirrors()).hasSize(1);
        assertThat(c.policies().rules()).hasSize(2);
        assertThat(c.policies().warnings()).as("the recommended rules keep every release in one generation").isEmpty();
        assertThat(c.fallbacks()).hasSize(1);
    }
}
