package org.mirrorgate.rank;

import java.util.List;

/**
 * Which files form one release generation of an apt archive: the InRelease/Release of a suite and
 * every index it lists (Packages*, Sources*, Contents-*, Translation-*, the per-component Release
 * files ...), all under {@code dists/}. A client fetches the InRelease, then the indexes it names,
 * checking each against the hash the InRelease states; so they must come from one push, or apt
 * reports "Hash Sum mismatch".
 *
 * <p>Why a path rule and not a parse of each InRelease: the index holds no file contents and the
 * request path does no I/O, and in every Debian-style archive the listed files are exactly the
 * plain-named files under {@code dists/} (installer images there carry their own SHA256SUMS, the
 * same kind of generation). The exception is {@code by-hash/} (Acquire-By-Hash): those names are
 * content digests, so any copy of such a path is the right content, from any push.
 */
final class ReleaseFiles {

    /** Suites probed by {@link PathRules#warnings()}: rules usually name one of these, or none. */
    static final List<String> SAMPLE_SUITES = List.of("sid", "stable", "bookworm", "noble");

    /** One suite's files, InRelease first (a warning names the first conflicting pair). */
    static final List<String> SAMPLE_FILES = List.of("InRelease", "main/binary-amd64/Packages.xz", "Release",
            "Release.gpg", "main/binary-amd64/Packages.gz", "main/binary-amd64/Release", "main/source/Sources.xz",
            "main/Contents-amd64.gz", "main/i18n/Translation-en.bz2");

    /** Sizes probed: a rule's smaller-than may split one release. */
    static final long[] SAMPLE_SIZES = {100, 50L << 20};

    private ReleaseFiles() {}

    /**
     * True when {@code path} (relative) is release metadata: under a {@code dists/} directory (at
     * the root, or one level down in a tree holding several archives) and not under {@code
     * by-hash/}. Two string searches; asked only for paths an allow-outdated rule matched.
     */
    static boolean inGeneration(String path) {
        return (path.startsWith("dists/") || path.contains("/dists/")) && !path.contains("/by-hash/");
    }
}
