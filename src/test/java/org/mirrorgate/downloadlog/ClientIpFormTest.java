package org.mirrorgate.downloadlog;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.hash.HashFunction;
import org.junit.jupiter.api.Test;

class ClientIpFormTest {

    private final HashFunction key = ClientIpForm.newHashKey();

    @Test
    void fullKeepsTheAddressAndNoneDropsIt() {
        assertThat(ClientIpForm.FULL.apply("192.0.2.77", key)).isEqualTo("192.0.2.77");
        assertThat(ClientIpForm.NONE.apply("192.0.2.77", key)).isEmpty();
    }

    @Test
    void truncatedKeepsTheIpv4Slash24AndTheIpv6Slash48() {
        assertThat(ClientIpForm.TRUNCATED.apply("192.0.2.77", key)).isEqualTo("192.0.2.0");
        assertThat(ClientIpForm.TRUNCATED.apply("2001:db8:1234:5678:9abc::1", key)).isEqualTo("2001:db8:1234::");
        assertThat(ClientIpForm.TRUNCATED.apply("::ffff:198.51.100.9", key)).as("v4-mapped is v4").isEqualTo("198.51.100.0");
        assertThat(ClientIpForm.TRUNCATED.apply("not an address", key)).isEmpty();
    }

    @Test
    void hashedTellsClientsApartWithoutRevealingThemAndChangesWithTheKey() {
        String a = ClientIpForm.HASHED.apply("192.0.2.77", key);
        assertThat(a).matches("[0-9a-f]{16}").doesNotContain("192");
        assertThat(ClientIpForm.HASHED.apply("192.0.2.77", key)).as("stable within a run").isEqualTo(a);
        assertThat(ClientIpForm.HASHED.apply("192.0.2.78", key)).isNotEqualTo(a);
        assertThat(ClientIpForm.HASHED.apply("192.0.2.77", ClientIpForm.newHashKey()))
                .as("another run's key: not comparable, so not reversible by a table").isNotEqualTo(a);
    }
}
