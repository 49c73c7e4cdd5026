package org.mirrorgate.rank;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.List;

/**
 * The ordered path rules of the config: the first rule whose glob matches (and whose size limit,
 * if any, admits the file) gives the policy; no match gives {@link PathPolicy#DEFAULT} (strict).
 */
public final class PathRules {

    /** One rule: a glob, an optional "smaller than N bytes" condition, and the policy it gives. */
    public record Rule(String match, long smallerThanBytes, PathPolicy policy) {
        public Rule {
            checkArgument(smallerThanBytes >= 0, "smaller-than: %s (expected: >= 0; 0 = any size)", smallerThanBytes);
        }
    }

    public static final PathRules NONE = new PathRules(List.of());

    private final Glob[] globs;
    private final Rule[] rules;

    public PathRules(List<Rule> rules) {
        this.rules = rules.toArray(new Rule[0]);
        this.globs = rules.stream().map(r -> new Glob(r.match())).toArray(Glob[]::new);
    }

    /** The policy for a file at {@code path} (relative) of {@code size} bytes. */
    public PathPolicy policyFor(String path, long size) {
        for (int i = 0; i < rules.length; i++) {
            Rule r = rules[i];
            if ((r.smallerThanBytes == 0 || size < r.smallerThanBytes) && globs[i].matches(path)) {
                return r.policy;
            }
        }
        return PathPolicy.DEFAULT;
    }

    public List<Rule> rules() {
        return List.of(rules);
    }
}
