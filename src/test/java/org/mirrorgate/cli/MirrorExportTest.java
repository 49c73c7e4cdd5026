package org.mirrorgate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mirrorgate.api.v1.MirrorDefinition;
import org.mirrorgate.api.v1.MirrorInfo;
import org.mirrorgate.config.ConfigException;
import org.mirrorgate.config.ConfigLoader;
import org.mirrorgate.config.MirrorYaml;
import org.mirrorgate.geo.IpPrefix;
import org.mirrorgate.mirror.MirrorSpec;

class MirrorExportTest {

    private static final String CONFIG_HEAD = "repository: {root: repo, url-prefix: /debian/}\n";

    /** Every key a mirror can have, at a value other than its default. */
    private static MirrorSpec full() {
        return new MirrorSpec("full.example", URI.create("http://f.example.org/debian/"),
                URI.create("https://f.example.org/debian/"), URI.create("rsync://f.example.org/debian/"),
                URI.create("ftp://f.example.org/pub/debian/"), List.of("DE", "AT"), "EU",
                new LinkedHashSet<>(List.of(3320, 680)), List.of(IpPrefix.parse("192.0.2.0/24"),
                IpPrefix.parse("2001:db8::/32")), new MirrorSpec.Restrictions(true, true, true), Set.of("CN", "RU"),
                -20, 2.5, false, true, 52.52, 13.405, MirrorSpec.Origin.API);
    }

    private static MirrorDefinition definition(MirrorSpec s) {
        return MirrorDefinition.newBuilder().setName(s.name()).setOrigin("api").setYaml(MirrorYaml.write(s, u -> u))
                .build();
    }

    @Test
    void theExportedYamlBlockParsesBackToTheSameMirrorsInAConfigFile() {
        MirrorSpec plain = MirrorSpec.simple("m2", null, "https://m2.example.org/debian/").withOrigin(MirrorSpec.Origin.API);
        List<MirrorSpec> specs = List.of(full(), plain);
        String block = MirrorExport.yaml("127.0.0.1:7390", specs.stream().map(MirrorExportTest::definition).toList());

        var config = ConfigLoader.parse(CONFIG_HEAD + block, "pasted.yaml", Path.of("/tmp"));

        assertThat(config.mirrors()).containsExactlyElementsOf(
                specs.stream().map(s -> s.withOrigin(MirrorSpec.Origin.CONFIG)).toList());
        assertThat(block).startsWith("# The mirrors added through the admin API of 127.0.0.1:7390")
                .contains("\nmirrors:\n  - name: full.example\n    http-url:");
    }

    @Test
    void aMaskedCredentialIsMarkedInTheExportAndRefusedWhenPastedAsIs() {
        MirrorSpec secret = new MirrorSpec("s1", null, URI.create("https://s1.example.org/"),
                URI.create("rsync://user:pw@s1.example.org/debian/"), null, List.of(), "", Set.of(), List.of(),
                null, Set.of(), 0, 1.0, true, false, Double.NaN, Double.NaN, MirrorSpec.Origin.API);
        MirrorDefinition masked = MirrorDefinition.newBuilder().setName("s1").setOrigin("api")
                .setYaml(MirrorYaml.write(secret, u -> u.replace("user:pw@", "***@"))).build();
        String block = MirrorExport.yaml("t", List.of(masked));

        assertThat(block).contains("# s1: the scan URL's credentials are masked (***)").doesNotContain("pw");
        assertThatThrownBy(() -> ConfigLoader.parse(CONFIG_HEAD + block, "pasted.yaml", Path.of("/tmp")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("rsync-url: rsync://***@s1.example.org/debian/ (expected: the credentials in full");
        assertThat(ConfigLoader.parse(CONFIG_HEAD + block.replace("***@", "user:pw@"), "filled.yaml", Path.of("/tmp"))
                .mirrors()).containsExactly(secret.withOrigin(MirrorSpec.Origin.CONFIG));
    }

    @Test
    void noApiMirrorsIsSaidInAComment() {
        assertThat(MirrorExport.yaml("t:1", List.of())).isEqualTo(
                "# t:1 has no mirror added through the admin API (origin api): nothing to export\n");
    }

    @Test
    void mirmonHasOneLinePerMirrorAndProtocolWithTheCountryFirstAndNoCredentials() {
        MirrorInfo de = MirrorInfo.newBuilder().setName("de").addCountryCodes("DE").addCountryCodes("AT")
                .setHttpUrl("http://de.example.org/debian/").setHttpsUrl("https://de.example.org/debian/")
                .setRsyncUrl("rsync://***@de.example.org/debian/").setEnabled(true).build();
        MirrorInfo off = MirrorInfo.newBuilder().setName("off").addCountryCodes("FR")
                .setHttpsUrl("https://off.example.org/").setEnabled(false).build();
        MirrorInfo nowhere = MirrorInfo.newBuilder().setName("nowhere").setHttpsUrl("https://n.example.org/")
                .setEnabled(true).build();

        var all = MirrorExport.mirmon(List.of(de, off, nowhere), EnumSet.allOf(MirrorExport.Protocol.class), true,
                "mirrors@example.org");
        assertThat(all.lines()).containsExactly(
                "de http://de.example.org/debian/ mirrors@example.org",
                "de https://de.example.org/debian/ mirrors@example.org",
                "de rsync://de.example.org/debian/ mirrors@example.org",
                "fr https://off.example.org/ mirrors@example.org");
        assertThat(all.leftOut()).containsExactly("nowhere: no country (mirmon needs one; set countries)");

        var enabledHttps = MirrorExport.mirmon(List.of(de, off), EnumSet.of(MirrorExport.Protocol.HTTPS), false, null);
        assertThat(enabledHttps.lines()).containsExactly("de https://de.example.org/debian/");
    }
}
