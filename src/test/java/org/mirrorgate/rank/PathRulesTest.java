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
        assertThat(rules.policyFor("dists/sid/main/Packages.xz", 10).rule()).isEqualTo("r2");
        assertThat(rules.policyFor("pool/x.deb", 100).rule()).isEqualTo("small");
        assertThat(rules.policyFor("pool/x.deb", 4096)).isEqualTo(PathPolicy.DEFAULT);
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
