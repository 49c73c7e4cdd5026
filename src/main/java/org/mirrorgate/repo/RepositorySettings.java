package org.mirrorgate.repo;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.PatternSyntaxException;
import org.mirrorgate.index.Digest;

/**
 * What the local tree scanner walks and how, validated once when built; the defaults are {@link
 * #DEFAULTS}. Keys in the messages are the config keys under {@code repository:}.
 *
 * @param root the local copy of the archive; made absolute. Symlinks under it are followed as long
 *     as their target stays under it
 * @param interval pause between the end of one scan and the start of the next (default 5 minutes)
 * @param digests checksums kept per file (default SHA-256); empty turns hashing off
 * @param deletedGrace how long a file removed locally stays in the index as deleted-at before it is
 *     purged (default 3 days); mirrors still listing it keep serving it meanwhile
 * @param hashThreads threads reading files to hash them, in the background (default 1: hashing is
 *     disk-bound, and more readers mostly add seeks)
 * @param excludes globs on single file or directory names ({@code *}, {@code ?}, {@code [a-z]},
 *     {@code {a,b}}), never on paths; a matching directory is not entered. Default {@code .~tmp~}:
 *     rsync's {@code --delay-updates} staging directory, whose files are not published yet
 * @param skipRsyncTemporaries skip files named like rsync's in-flight temporaries: {@code
 *     .<name>.XXXXXX}, a leading dot and six letters or digits after the last dot (default true).
 *     Such a file is half-written and renamed away within seconds; indexing it would only produce
 *     a deleted-at entry on the next scan. Dot-files not of that shape are indexed
 * @param watch watch the tree (inotify, through the JDK's WatchService) where it is walked, so a
 *     file added, changed or removed is in the index within a second, not at the next walk
 *     (default true). The walk stays as the safety net: directories past the kernel's
 *     {@code fs.inotify.max_user_watches}, and events lost in a queue overflow, are seen by it
 */
public record RepositorySettings(
        Path root,
        Duration interval,
        Set<Digest> digests,
        Duration deletedGrace,
        int hashThreads,
        List<String> excludes,
        boolean skipRsyncTemporaries,
        boolean watch) {

    /**
     * Every setting at its default. {@code repository.root} has none (the config requires it): it
     * is {@code /} here only so that the record is complete; {@link #defaults(Path)} sets it.
     */
    public static final RepositorySettings DEFAULTS = new RepositorySettings(Path.of("/"), Duration.ofMinutes(5),
            Set.of(Digest.SHA256), Duration.ofDays(3), 1, List.of(".~tmp~"), true, true);

    public RepositorySettings {
        requireNonNull(root, "root");
        requireNonNull(interval, "interval");
        requireNonNull(digests, "digests");
        requireNonNull(deletedGrace, "deletedGrace");
        requireNonNull(excludes, "excludes");
        root = root.toAbsolutePath().normalize();
        checkArgument(!interval.isNegative() && !interval.isZero(), "repository.scan-interval: %s (expected: > 0)",
                interval);
        checkArgument(!deletedGrace.isNegative(), "repository.deleted-grace: %s (expected: >= 0)", deletedGrace);
        checkArgument(hashThreads >= 1 && hashThreads <= 64, "repository.hash-threads: %s (expected: 1 .. 64)",
                hashThreads);
        digests = digests.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(digests));
        excludes = List.copyOf(excludes);
        for (String glob : excludes) {
            checkArgument(!glob.isEmpty() && glob.indexOf('/') < 0,
                    "repository.excludes: \"%s\" (expected: a glob on one file or directory name, such as *.tmp)",
                    glob);
            try {
                FileSystems.getDefault().getPathMatcher("glob:" + glob);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("repository.excludes: \"" + glob + "\" (expected: a valid glob: "
                        + e.getDescription() + ")", e);
            }
        }
    }

    /** Every setting at its default, scanning {@code root}. */
    public static RepositorySettings defaults(Path root) {
        return DEFAULTS.withRoot(root);
    }

    public RepositorySettings withRoot(Path value) {
        return new RepositorySettings(value, interval, digests, deletedGrace, hashThreads, excludes,
                skipRsyncTemporaries, watch);
    }

    public RepositorySettings withInterval(Duration value) {
        return new RepositorySettings(root, value, digests, deletedGrace, hashThreads, excludes, skipRsyncTemporaries, watch);
    }

    public RepositorySettings withDigests(Set<Digest> value) {
        return new RepositorySettings(root, interval, value, deletedGrace, hashThreads, excludes, skipRsyncTemporaries, watch);
    }

    public RepositorySettings withDeletedGrace(Duration value) {
        return new RepositorySettings(root, interval, digests, value, hashThreads, excludes, skipRsyncTemporaries, watch);
    }

    public RepositorySettings withHashThreads(int value) {
        return new RepositorySettings(root, interval, digests, deletedGrace, value, excludes, skipRsyncTemporaries, watch);
    }

    public RepositorySettings withExcludes(List<String> value) {
        return new RepositorySettings(root, interval, digests, deletedGrace, hashThreads, value, skipRsyncTemporaries, watch);
    }

    public RepositorySettings withSkipRsyncTemporaries(boolean value) {
        return new RepositorySettings(root, interval, digests, deletedGrace, hashThreads, excludes, value, watch);
    }

    public RepositorySettings withWatch(boolean value) {
        return new RepositorySettings(root, interval, digests, deletedGrace, hashThreads, excludes,
                skipRsyncTemporaries, value);
    }
}
