package org.mirrorgate.repo;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.repo.ScanWarnings.Kind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One walk of the tree: lists each directory once and lstat()s each entry once (a symlink costs a
 * realpath and a stat more), and records what it sees in a {@link WalkResult}. Single-threaded,
 * used once.
 *
 * <p>Why a hand-written DirectoryStream walk rather than {@code Files.walkFileTree}: the walk
 * builds each relative path from its parent's prefix instead of relativizing absolute paths, it
 * decides per symlink whether to follow it (walkFileTree follows all links or none), and it keeps
 * what an unreadable directory held. The benchmark measures both (docs/benchmarks.md).
 *
 * <p>Directories are walked through their real paths: the root's real path, then entries under
 * it, and a followed symlink continues from its target's real path. So a loop is possible only
 * through a link, and the set of the current directory's ancestors (by inode) catches it.
 */
final class TreeWalker {

    private static final Logger log = LoggerFactory.getLogger(RepositoryIndexer.class);
    private static final long PROGRESS_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Path realRoot;
    private final NameFilter filter;
    private final DirectoryOpener opener;
    private final ScanWarnings warnings;
    private final BooleanSupplier cancelled;
    private final WalkResult result;
    private final Set<Object> ancestors = new HashSet<>();
    private final long startNanos = System.nanoTime();
    private long nextProgressNanos = startNanos + PROGRESS_NANOS;

    TreeWalker(Path realRoot, FileTable base, NameFilter filter, DirectoryOpener opener, ScanWarnings warnings,
            BooleanSupplier cancelled) {
        this.realRoot = realRoot;
        this.filter = filter;
        this.opener = opener;
        this.warnings = warnings;
        this.cancelled = cancelled;
        this.result = new WalkResult(base);
    }

    /**
     * Walks the whole tree.
     *
     * @throws IOException when the root itself cannot be listed (nothing is recorded then)
     * @throws CancellationException when {@code cancelled} turned true during the walk
     */
    WalkResult walk() throws IOException {
        BasicFileAttributes rootAttrs = Files.readAttributes(realRoot, BasicFileAttributes.class);
        ancestors.add(keyOf(rootAttrs, realRoot));
        try (DirectoryStream<Path> entries = opener.open(realRoot)) {
            list(entries, realRoot, "");
        }
        return result;
    }

    /**
     * Looks at {@code paths} only (relative, validated, each a file or a directory; a missing one
     * is recorded as looked at, so what the index held there counts as deleted), with the same
     * rules as {@link #walk()}. The directories leading to each path count as its ancestors, so a
     * link back up is refused as in a whole walk.
     *
     * @throws IOException when the root itself cannot be read
     * @throws CancellationException when {@code cancelled} turned true during the walk
     */
    WalkResult walkPaths(Iterable<String> paths) throws IOException {
        Files.readAttributes(realRoot, BasicFileAttributes.class);
        for (String rel : paths) {
            result.addScope(rel);
            int slash = rel.lastIndexOf('/');
            String prefix = slash < 0 ? "" : rel.substring(0, slash + 1);
            String name = rel.substring(slash + 1);
            Path parent;
            try {
                parent = realRoot.resolve(prefix).toRealPath();
            } catch (NoSuchFileException e) {
                continue; // the directory holding it is gone: so is the file
            } catch (IOException e) {
                result.keepEntry(rel);
                warnings.warn(Kind.UNREADABLE, "local scan: cannot resolve {}: {}; keeping the index's entries",
                        realRoot.resolve(prefix), describe(e));
                continue;
            }
            if (!parent.startsWith(realRoot)) {
                result.keepEntry(rel); // validated by the caller; a link swapped since then
                continue;
            }
            ancestors.clear();
            for (Path dir = parent; dir != null && dir.startsWith(realRoot); dir = dir.getParent()) {
                try {
                    ancestors.add(keyOf(Files.readAttributes(dir, BasicFileAttributes.class), dir));
                } catch (IOException e) {
                    // gone meanwhile: the visit below finds nothing
                }
            }
            visit(parent.resolve(name), prefix, name);
        }
        return result;
    }

    private void walkDirectory(Path dir, String prefix, Object key) {
        if (!ancestors.add(key)) { // without a symlink: a bind mount of a parent under itself
            result.skipped++;
            warnings.warn(Kind.LINK_LOOP, "local scan: not entering {}: it is its own parent (a bind mount?)", dir);
            return;
        }
        try (DirectoryStream<Path> entries = opener.open(dir)) {
            list(entries, dir, prefix);
        } catch (NoSuchFileException e) {
            // Removed since its parent was listed: its files are gone, not unreadable.
        } catch (IOException e) {
            unreadable(dir, prefix, e);
        } finally {
            ancestors.remove(key);
        }
    }

    private void list(DirectoryStream<Path> entries, Path dir, String prefix) {
        if (cancelled.getAsBoolean()) {
            throw new CancellationException("local scan stopped");
        }
        try {
            for (Path entry : entries) {
                visit(entry, prefix, entry.getFileName().toString());
            }
        } catch (DirectoryIteratorException e) {
            unreadable(dir, prefix, e.getCause());
        }
    }

    private void unreadable(Path dir, String prefix, IOException e) {
        result.keepDirectory(prefix);
        warnings.warn(Kind.UNREADABLE, "local scan: cannot read directory {}: {}; keeping the index's entries under it",
                dir, describe(e));
    }

    private void visit(Path entry, String prefix, String name) {
        if (!NameFilter.isValidName(name)) {
            result.skipped++;
            warnings.warn(Kind.BAD_NAME, "local scan: skipping {}: the name is not valid UTF-8", entry);
            return;
        }
        if (filter.excluded(name, entry)) {
            return;
        }
        String path = prefix + name;
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return; // removed since the directory was listed: gone, as the next walk will confirm
        } catch (IOException e) {
            result.keepEntry(path);
            warnings.warn(Kind.UNREADABLE, "local scan: cannot stat {}: {}; keeping the index's entry", entry,
                    describe(e));
            return;
        }
        if (attrs.isRegularFile()) {
            file(path, attrs);
        } else if (attrs.isDirectory()) {
            walkDirectory(entry, path + "/", keyOf(attrs, entry));
        } else if (attrs.isSymbolicLink()) {
            followLink(entry, path);
        } else {
            result.skipped++;
            warnings.warn(Kind.SPECIAL, "local scan: skipping {}: not a regular file, directory or symlink", entry);
        }
    }

    /** Follows {@code link} if its target stays under the root and does not lead back up. */
    private void followLink(Path link, String path) {
        Path target;
        BasicFileAttributes attrs;
        try {
            target = link.toRealPath();
            attrs = Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            result.skipped++;
            warnings.warn(Kind.LINK_BROKEN, "local scan: skipping symlink {} -> {}: {}", link, readLink(link),
                    describe(e));
            return;
        }
        if (!target.startsWith(realRoot)) {
            result.skipped++;
            warnings.warn(Kind.LINK_OUTSIDE,
                    "local scan: skipping symlink {} -> {}: its target {} is outside the root {}",
                    link, readLink(link), target, realRoot);
            return;
        }
        if (attrs.isRegularFile()) {
            file(path, attrs);
        } else if (attrs.isDirectory()) {
            Object key = keyOf(attrs, target);
            if (ancestors.contains(key)) {
                result.skipped++;
                warnings.warn(Kind.LINK_LOOP,
                        "local scan: not following symlink {} -> {}: it leads back up to {}, a directory it is in",
                        link, readLink(link), target);
                return;
            }
            walkDirectory(target, path + "/", key);
        } else {
            result.skipped++;
            warnings.warn(Kind.SPECIAL, "local scan: skipping symlink {} -> {}: not a regular file or directory",
                    link, target);
        }
    }

    private void file(String path, BasicFileAttributes attrs) {
        result.file(path, attrs.size(), attrs.lastModifiedTime().toMillis());
        if ((result.files & 1023) == 0) {
            long now = System.nanoTime();
            if (now >= nextProgressNanos) {
                nextProgressNanos = now + PROGRESS_NANOS;
                log.info("local scan of {}: {} files walked so far ({} s)", realRoot, result.files,
                        TimeUnit.NANOSECONDS.toSeconds(now - startNanos));
            }
        }
    }

    private static Object keyOf(BasicFileAttributes attrs, Path realPath) {
        Object key = attrs.fileKey(); // (device, inode) on Linux
        return key != null ? key : realPath;
    }

    private static String readLink(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return "?";
        }
    }

    static String describe(Throwable e) {
        String msg = e.getMessage();
        return e.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
    }
}
