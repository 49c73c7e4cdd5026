package org.mirrorgate.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mirrorgate.testing.TestMirror.mirror;

import org.junit.jupiter.api.Test;
import org.mirrorgate.mirror.AddressFamilies;
import org.mirrorgate.mirror.MirrorSpec;
import org.mirrorgate.mirror.MirrorState;

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

    @Test
    void declaredAndLearnedAddressFamiliesSurviveTheStoreAndOldRecordsHaveNone() {
        MirrorSpec v6 = mirror("de6").families(AddressFamilies.IPV6).build();
        assertThat(new String(MirrorCodec.spec(v6), UTF_8)).contains("\"families\":\"ipv6\"");
        assertThat(MirrorCodec.spec(MirrorCodec.spec(v6))).isEqualTo(v6);
        MirrorSpec learned = mirror("fr1").build();
        assertThat(new String(MirrorCodec.spec(learned), UTF_8)).doesNotContain("families");
        assertThat(MirrorCodec.spec(MirrorCodec.spec(learned)).families()).isEqualTo(AddressFamilies.UNKNOWN);

        MirrorState state = MirrorState.initial(learned).withFamilies(AddressFamilies.IPV4);
        assertThat(MirrorCodec.state(MirrorCodec.state(state))).isEqualTo(state);
        assertThat(MirrorCodec.state(MirrorCodec.state(MirrorState.initial(learned))).families())
                .isEqualTo(AddressFamilies.UNKNOWN);

        // records written before families existed (this branch's parent wrote exactly these fields)
        MirrorSpec oldSpec = MirrorCodec.spec(("{\"name\":\"nl1\",\"http\":\"http://nl1.example/\",\"capacity\":1.0,"
                + "\"enabled\":true,\"origin\":\"config\"}").getBytes(UTF_8));
        assertThat(oldSpec.families()).isEqualTo(AddressFamilies.UNKNOWN);
        MirrorState oldState = MirrorCodec.state(("{\"enabled\":false,\"http\":{\"status\":\"UP\",\"reason\":\"\","
                + "\"since\":5},\"traceSyncMillis\":7,\"lastScanMillis\":8,\"tzOffsetMillis\":0,"
                + "\"traceCreditMillis\":0}").getBytes(UTF_8));
        assertThat(oldState.families()).isEqualTo(AddressFamilies.UNKNOWN);
        assertThat(oldState.enabled()).isFalse();
        assertThat(oldState.lastScanMillis()).isEqualTo(8);
    }

    @Test
    void aMirrorsSponsorAdminAndCommentSurviveTheStoreAndOldRecordsHaveNone() {
        MirrorSpec plain = MirrorCodec.spec("{\"name\":\"nl1\",\"http\":\"http://nl1.example/\"}".getBytes(UTF_8));
        assertThat(plain.about()).isEqualTo(MirrorSpec.About.NONE);
        MirrorSpec about = plain.withAbout(new MirrorSpec.About("Example U", java.net.URI.create("https://example.edu/"),
                null, "Team", "m@example.edu", "note"));
        assertThat(MirrorCodec.spec(MirrorCodec.spec(about))).isEqualTo(about);
        assertThat(new String(MirrorCodec.spec(plain), UTF_8)).doesNotContain("sponsor").doesNotContain("admin");
    }
}
