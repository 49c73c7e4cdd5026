package org.mirrorgate.repo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.mirrorgate.index.FileTable;

/**
 * Checks the paths of a refresh before anything is looked at: all of them are good, or the whole
 * call is refused with every bad path and why, so that nothing is half-applied. A good path is a
 * file or directory inside the root (relative to it, or absolute under the configured or the real
 * root), without {@code .} or {@code ..} segments, not excluded, reached without leaving the root
 * through a symlink, and either on disk or known to the index (a file just deleted).
 */
final class RefreshPaths {

    private RefreshPaths() {}

    /**
     * @return the paths relative to the root, without a trailing '/', in order, duplicates dropped;
     *     "" stands for the root itself
     */
    static List<String> validate(Path root, Path realRoot, FileTable files, NameFilter filter, List<String> paths)
            throws RefreshRejectedException {
        Set<String> out = new LinkedHashSet<>();
        List<String> problems = new ArrayList<>();
        for (String p : paths) {
            String problem;
            String rel = null;
            try {
                rel = relative(root, realRoot, p);
                problem = rel == null ? "outside the repository root " + root : check(realRoot, files, filter, rel);
            } catch (IllegalArgumentException e) {
                problem = e.getMessage();
            }
            if (problem != null) {
                problems.add("\"" + p + "\": " + problem);
            } else {
                out.add(rel);
            }
        }
        if (!problems.isEmpty()) {
            throw new RefreshRejectedException(RefreshRejectedException.Kind.BAD_PATH,
                    "refused, nothing refreshed: " + String.join("; ", problems));
        }
        return List.copyOf(out);
    }

    /** The path relative to the root, or null when it is absolute and elsewhere. */
    private static String relative(Path root, Path realRoot, String p) {
        if (p.isEmpty()) {
            throw new IllegalArgumentException("empty path (expected: a file or directory under the root)");
        }
        for (int i = 0; i < p.length(); i++) {
            if (p.charAt(i) < 0x20 || p.charAt(i) == 0x7f) {
                throw new IllegalArgumentException("control character at offset " + i);
            }
        }
        String rel = p;
        if (p.startsWith("/")) {
            Path abs;
            try {
                abs = Path.of(p);
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("not a valid path: " + e.getReason());
            }
            segments(p.substring(1)); // '.' and '..' are refused before normalising them away
            Path under = abs.startsWith(root) ? root : abs.startsWith(realRoot) ? realRoot : null;
            if (under == null) {
                return null;
            }
            rel = under.relativize(abs).toString();
        }
        while (rel.endsWith("/")) {
            rel = rel.substring(0, rel.length() - 1);
        }
        segments(rel);
        return rel;
    }

    private static void segments(String rel) {
        if (rel.isEmpty()) {
            return;
        }
        String trimmed = rel.endsWith("/") ? rel.substring(0, rel.length() - 1) : rel;
        for (String seg : trimmed.split("/", -1)) {
            if (seg.equals("..") || seg.equals(".")) {
                throw new IllegalArgumentException("'" + seg + "' segment (expected: a path without traversal)");
            }
            if (seg.isEmpty()) {
                throw new IllegalArgumentException("empty segment (expected: no '//')");
            }
        }
    }

    /** Null when {@code rel} may be refreshed, else why not. */
    private static String check(Path realRoot, FileTable files, NameFilter filter, String rel) {
        if (rel.isEmpty()) {
            return null;
        }
        Path entry = realRoot.resolve(rel);
        for (Path name : Path.of(rel)) {
            if (!NameFilter.isValidName(name.toString())) {
                return "the name is not valid UTF-8";
            }
            if (filter.excluded(name.toString(), name)) {
                return "excluded from the index (repository.excludes, skip-rsync-temporaries)";
            }
        }
        boolean onDisk = Files.exists(entry, LinkOption.NOFOLLOW_LINKS);
        if (!onDisk) {
            boolean known = files.idOf(rel) >= 0 || files.isDirectory(rel + "/");
            return known ? null : "no such file or directory, and not in the index";
        }
        try {
            Path real = entry.toRealPath();
            if (!real.startsWith(realRoot)) {
                return "leads outside the root through a symlink (to " + real + ")";
            }
        } catch (IOException e) {
            return Files.isSymbolicLink(entry) ? null : "cannot resolve it: " + TreeWalker.describe(e);
        }
        return null;
    }
}
