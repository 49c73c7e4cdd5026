package org.mirrorgate.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mirrorgate.testing.TestMirror.mirror;

import org.junit.jupiter.api.Test;
import org.mirrorgate.mirror.MirrorSpec;

class MirrorCodecTest {

    @Test
    void aMirrorsBandwidthCeilingSurvivesTheStoreAndOldRecordsHaveNone() {
        MirrorSpec capped = mirror("de1").in("DE", "EU").at(50.1, 8.7).capacity(2).maxMbps(800).build();
        assertThat(MirrorCodec.spec(MirrorCodec.spec(capped))).isEqualTo(capped);
        MirrorSpec plain = mirror("fr1").build();
        assertThat(new String(MirrorCodec.spec(plain), UTF_8)).doesNotContain("maxMbps");
        assertThat(MirrorCodec.spec(MirrorCodec.spec(plain))).isEqualTo(plain);
        // a record written before ceilings existed
        MirrorSpec old = MirrorCodec.spec("{\"name\":\"nl1\",\"http\":\"http://nl1.example/\",\"capacity\":1.0}".getBytes(UTF_8));
        assertThat(old.hasBandwidthCeiling()).isFalse();
    }
}
