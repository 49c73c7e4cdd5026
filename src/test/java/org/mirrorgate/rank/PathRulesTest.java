package org.mirrorgate.rank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PathRulesTest {

    @Test
    void globsMatchSegmentsAndDeepPaths() {
        assertThat(new Glob("dists/*/InRelease").matches("dists/sid/InRelease")).isTrue();
        assertThat(new Glob("dists/*/InRelease").matches("dists/sid/main/InRelease")).isFalse();
        assertThat(new Glob("dists/**/InRelease").matches("dists/InRelease")).isTrue();
        assertThat(new Glob("dists/**/InRelease").matches("dists/a/b/InRelease")).isTrue();
        assertThat(new Glob("**/InRelease").matches("InRelease")).isTrue();
        assertThat(new Glob("**/Packages*").matches("dists/sid/main/binary-amd64/Packages.xz")).isTrue();
        assertThat(new Glob("pool/**").matches("pool/main/a/b.deb")).isTrue();
        assertThat(new Glob("pool/**").matches("dists/pool/x")).isFalse();
        assertThat(new Glob("*.iso").matches("images/x.iso")).isFalse();
        assertThat(new Glob("f?o").matches("foo")).isTrue();
        assertThat(new Glob("f?o").matches("f/o")).isFalse();
    }

    @Test
    void theFirstMatchingRuleWinsAndSizeLimitsNarrowIt() {
        PathRules rules = new PathRules(List.of(
                new PathRules.Rule("dists/**/InRelease", 0, new PathPolicy(PathPolicy.Kind.LOCAL, 0, "r1")),
                new PathRules.Rule("dists/**", 0, new PathPolicy(PathPolicy.Kind.ALLOW_OUTDATED, 3_600_000, "r2")),
                new PathRules.Rule("**", 4096, new PathPolicy(PathPolicy.Kind.LOCAL, 0, "small"))));
        assertThat(rules.policyFor("dists/sid/InRelease", 10_000).rule()).isEqualTo("r1");
        assertThat(rules.policyFor("dists/sid/main/by-hash/SHA256/00ab", 10).rule()).isEqualTo("r2");
        assertThat(rules.policyFor("pool/x.deb", 100).rule()).isEqualTo("small");
        assertThat(rules.policyFor("pool/x.deb", 4096)).isEqualTo(PathPolicy.DEFAULT);
    }

    @Test
    void releaseMetadataIsNeverServedOutdatedWhateverTheRuleSays() {
        PathRules rules = new PathRules(List.of(
                new PathRules.Rule("dists/**", 0, new PathPolicy(PathPolicy.Kind.ALLOW_OUTDATED, 3_600_000, "dists/**")),
                new PathRules.Rule("**", 0, new PathPolicy(PathPolicy.Kind.ALLOW_OUTDATED, 3_600_000, "**"))));
        for (String p : List.of("dists/sid/InRelease", "dists/sid/Release.gpg", "dists/sid/main/binary-amd64/Packages.xz",
                "dists/sid/main/i18n/Translation-en.bz2", "ubuntu/dists/noble/main/source/Sources.gz")) {
            PathPolicy policy = rules.policyFor(p, 100);
            assertThat(policy.kind()).as(p).isEqualTo(PathPolicy.Kind.STRICT);
            assertThat(policy.describe()).as(p).endsWith(" allow-outdated; strict for release metadata)")
                    .startsWith("strict (");
        }
        assertThat(rules.policyFor("dists/sid/main/binary-amd64/by-hash/SHA256/00ab", 100).kind())
                .as("content-addressed: any copy is this content").isEqualTo(PathPolicy.Kind.ALLOW_OUTDATED);
        assertThat(rules.policyFor("pool/main/a/a.deb", 100).kind()).isEqualTo(PathPolicy.Kind.ALLOW_OUTDATED);
        assertThat(PathRules.NONE.warnings()).isEmpty();
        assertThat(rules.warnings()).containsExactly("policies: dists/** (allow-outdated) matches release metadata such as "
                + "dists/sid/InRelease: applied as strict there, so no client gets an index "
                + "older than the InRelease it holds (docs/scanning.md, release generations)");
    }

    @Test
    void warnsWhenPartOfAReleaseIsLocalAndTheRestRedirected() {
        PathRules mixed = new PathRules(List.of(
                new PathRules.Rule("dists/**/InRelease", 0, new PathPolicy(PathPolicy.Kind.LOCAL, 0, "dists/**/InRelease"))));
        assertThat(mixed.warnings()).containsExactly("policies: dists/sid/InRelease is served local (dists/**/InRelease) "
                + "but dists/sid/main/binary-amd64/Packages.xz is redirected (default): until the local walk sees a "
                + "push, clients get the new InRelease from disk and the previous index from mirrors (Hash Sum "
                + "mismatch); leave release metadata strict (the default) or make all of it local");
        PathRules allLocal = new PathRules(List.of(
                new PathRules.Rule("dists/**", 0, new PathPolicy(PathPolicy.Kind.LOCAL, 0, "dists/**"))));
        assertThat(allLocal.warnings()).isEmpty();
        PathRules smallLocal = new PathRules(List.of(
                new PathRules.Rule("**", 4096, new PathPolicy(PathPolicy.Kind.LOCAL, 0, "** < 4096 B"))));
        assertThat(smallLocal.warnings()).as("a small Release.gpg local, a large InRelease redirected").hasSize(1);
    }

    @Test
    void describesPoliciesForOperators() {
        assertThat(new PathPolicy(PathPolicy.Kind.ALLOW_OUTDATED, 3_600_000, "dists/**").describe())
                .isEqualTo("allow-outdated 60m (dists/**)");
        assertThat(PathPolicy.DEFAULT.describe()).isEqualTo("strict (default)");
    }

    @Test
    void refusesAbsoluteGlobs() {
        assertThatThrownBy(() -> new Glob("/pool/**"))
                .hasMessage("match: /pool/** (expected: relative to the repository root, no leading '/')");
    }
}
