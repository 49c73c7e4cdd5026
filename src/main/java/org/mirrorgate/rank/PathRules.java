package org.mirrorgate.rank;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.List;

/**
 * The ordered path rules of the config: the first rule whose glob matches (and whose size limit,
 * if any, admits the file) gives the policy; no match gives {@link PathPolicy#DEFAULT} (strict).
 *
 * <p>One exception, whatever the rules say: release metadata ({@link ReleaseFiles}) is never served
 * outdated. An {@code allow-outdated} rule matching an InRelease or an index it lists is applied as
 * strict there, since a copy from the previous push no longer has the hash the current InRelease
 * states (issue 19). {@link #warnings()} says so, and warns about rules that serve part of a release
 * locally and the rest from mirrors.
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
    /** Per rule: for an allow-outdated rule, the strict policy it gives release metadata; else null. */
    private final PathPolicy[] strictForRelease;

    public PathRules(List<Rule> rules) {
        this.rules = rules.toArray(new Rule[0]);
        this.globs = rules.stream().map(r -> new Glob(r.match())).toArray(Glob[]::new);
        this.strictForRelease = rules.stream().map(r -> r.policy().kind() != PathPolicy.Kind.ALLOW_OUTDATED ? null
                : new PathPolicy(PathPolicy.Kind.STRICT, 0, r.policy().rule()
                        + " allow-outdated; strict for release metadata")).toArray(PathPolicy[]::new);
    }

    /** Equal when the rules are: the globs and release policies derive from them. */
    @Override
    public boolean equals(Object o) {
        return o instanceof PathRules other && java.util.Arrays.equals(rules, other.rules);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(rules);
    }

    /** The policy for a file at {@code path} (relative) of {@code size} bytes. */
    public PathPolicy policyFor(String path, long size) {
        int i = ruleFor(path, size);
        if (i < 0) {
            return PathPolicy.DEFAULT;
        }
        return strictForRelease[i] != null && ReleaseFiles.inGeneration(path) ? strictForRelease[i] : rules[i].policy;
    }

    /** The index of the first rule admitting the file, or -1. */
    private int ruleFor(String path, long size) {
        for (int i = 0; i < rules.length; i++) {
            Rule r = rules[i];
            if ((r.smallerThanBytes == 0 || size < r.smallerThanBytes) && globs[i].matches(path)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * What check-config reports about release generations, probed on typical release files
     * ({@link ReleaseFiles#SAMPLE_FILES} of a few suites, small and large): an allow-outdated rule
     * applied as strict on release metadata, and a suite whose files are partly served locally and
     * partly redirected. Local files come from the disk as it is now, redirected ones from what the
     * index knew at its last walk: right after a push the two are different generations. Empty
     * when the rules keep every release in one generation.
     */
    public List<String> warnings() {
        List<String> out = new ArrayList<>();
        boolean[] warned = new boolean[rules.length];
        String mixed = null;
        for (String suite : ReleaseFiles.SAMPLE_SUITES) {
            String local = null;
            String localRule = null;
            String redirected = null;
            String redirectedRule = null;
            for (String file : ReleaseFiles.SAMPLE_FILES) {
                String path = "dists/" + suite + "/" + file;
                for (long size : ReleaseFiles.SAMPLE_SIZES) {
                    int i = ruleFor(path, size);
                    if (i >= 0 && strictForRelease[i] != null && !warned[i]) {
                        warned[i] = true;
                        out.add("policies: " + rules[i].policy().rule() + " (allow-outdated) matches release metadata"
                                + " such as " + path + ": applied as strict there, so no client gets an index older"
                                + " than the InRelease it holds (docs/scanning.md, release generations)");
                    }
                    PathPolicy p = policyFor(path, size);
                    if (p.kind() == PathPolicy.Kind.LOCAL) {
                        if (local == null) {
                            local = path;
                            localRule = p.rule();
                        }
                    } else if (redirected == null || redirected.equals(local) && !path.equals(local)) {
                        redirected = path;
                        redirectedRule = p.rule();
                    }
                }
            }
            if (mixed == null && local != null && redirected != null) {
                mixed = "policies: " + local + " is served local (" + localRule + ") but " + redirected
                        + " is redirected (" + redirectedRule + "): until the local walk sees a push, clients get"
                        + " the new InRelease from disk and the previous index from mirrors (Hash Sum mismatch);"
                        + " leave release metadata strict (the default) or make all of it local";
            }
        }
        if (mixed != null) {
            out.add(mixed);
        }
        return out;
    }

    public List<Rule> rules() {
        return List.of(rules);
    }
}
