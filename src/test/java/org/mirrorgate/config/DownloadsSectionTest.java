package org.mirrorgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.mirrorgate.downloadlog.ClientIpForm;
import org.mirrorgate.downloadlog.DownloadLogSettings;
import org.mirrorgate.stats.CountingSettings;

class DownloadsSectionTest {

    private static MirrorgateConfig parse(String downloads) {
        return ConfigLoader.parse("repository: {root: /srv/mirror}\n" + downloads, "test.yaml", Path.of("/etc/mirrorgate"));
    }

    @Test
    void withoutTheSectionDownloadsCountOncePerTenMinutesAndNothingIsLogged() {
        MirrorgateConfig c = parse("");
        assertThat(c.counting()).isEqualTo(CountingSettings.DEFAULTS);
        assertThat(c.counting().sameDownloadInterval()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.downloadLog()).isEqualTo(DownloadLogSettings.DEFAULTS);
        assertThat(c.downloadLog().enabled()).isFalse();
    }

    @Test
    void readsEveryKeyWithRelativePathsAgainstTheConfigDirectory() {
        MirrorgateConfig c = parse("""
                downloads:
                  same-download-interval: 0s
                  same-download-clients: 5000
                  log-file: log/downloads.log
                  log-client-ip: hashed
                  log-max-size: 10MiB
                  log-keep: 3
                  log-queue: 1024
                """);
        assertThat(c.counting()).isEqualTo(new CountingSettings(Duration.ZERO, 5000));
        assertThat(c.downloadLog()).isEqualTo(new DownloadLogSettings(Path.of("/etc/mirrorgate/log/downloads.log"),
                ClientIpForm.HASHED, 10L << 20, 3, 1024));
    }

    @Test
    void badValuesAreReportedTogetherWithTheirKeys() {
        assertThatThrownBy(() -> parse("""
                downloads:
                  same-download-interval: 2d
                  log-client-ip: anonymous
                  log-keep: 0
                  log-file-name: x
                """))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("downloads.same-download-interval: 2d (expected: a duration from 0s to 1d)")
                .hasMessageContaining("downloads.log-client-ip: anonymous (expected: one of full, truncated, hashed, none)")
                .hasMessageContaining("downloads.log-keep: 0 (expected: a whole number, 1 .. 1000)")
                .hasMessageContaining("log-file-name");
    }
}
