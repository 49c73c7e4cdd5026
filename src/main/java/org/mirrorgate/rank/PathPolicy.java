package org.mirrorgate.rank;

import static com.google.common.base.Preconditions.checkArgument;


/**
 * How a path may be served: the heart of rolling-distribution semantics.
 *
 * @param kind what is allowed
 * @param outdatedMillis for {@link Kind#ALLOW_OUTDATED}: how much older the mirror's copy may be
 * @param rule the rule that chose this policy ("default" when none matched), for Explain and logs
 */
public record PathPolicy(Kind kind, long outdatedMillis, String rule) {

    public enum Kind {
        /** Only mirrors whose copy matches size and mtime. */
        STRICT("strict"),
        /** Also mirrors whose copy is at most N minutes older (size not checked), as Mirrorbits 0.6. */
        ALLOW_OUTDATED("allow-outdated"),
        /** Always served by the origin (mutable metadata such as InRelease, tiny files). */
        LOCAL("local"),
        /** Never served by the origin: a mirror, a fallback, or 404. */
        MIRROR_ONLY("mirror-only");

        private final String key;

        Kind(String key) {
            this.key = key;
        }

        /** The name used in the config file. */
        public String key() {
            return key;
        }

        public static Kind byKey(String key) {
            for (Kind k : values()) {
                if (k.key.equals(key)) {
                    return k;
                }
            }
            return null;
        }
    }

    /** For a path no rule matches. */
    public static final PathPolicy DEFAULT = new PathPolicy(Kind.STRICT, 0, "default");

    /** How much older a mirror's copy may be under an {@code allow-outdated} rule that gives no minutes. */
    public static final long DEFAULT_OUTDATED_MINUTES = 60;

    public PathPolicy {
        checkArgument(outdatedMillis >= 0, "minutes: %s (expected: >= 0)", outdatedMillis / 60_000);
    }

    /** E.g. "strict", "allow-outdated 60m", with the rule: "local (dists/**&#47;InRelease)". */
    public String describe() {
        String base = kind == Kind.ALLOW_OUTDATED ? kind.key + " " + outdatedMillis / 60_000 + "m" : kind.key;
        return base + " (" + rule + ")";
    }
}
