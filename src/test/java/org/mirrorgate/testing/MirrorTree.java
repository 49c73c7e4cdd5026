package org.mirrorgate.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.stream.Stream;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.Index;

/**
 * Writes file trees for test mirrors (exact sizes and mtimes, odd names) and publishes a tree as the
 * local index, the way the local walker would (regular files only; symlinks are not indexed).
 */
public final class MirrorTree {

    private final Path root;

    private MirrorTree(Path root) {
        this.root = root;
    }

    public static MirrorTree at(Path root) {
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new MirrorTree(root);
    }

    public Path root() {
        return root;
    }

    /** A file of {@code size} bytes ('x' repeated) with mtime {@code mtimeMillis}. */
    public MirrorTree file(String path, int size, long mtimeMillis) {
        try {
            Path p = root.resolve(path);
            Files.createDirectories(p.getParent());
            byte[] content = new byte[size];
            Arrays.fill(content, (byte) 'x');
            Files.write(p, content);
            Files.setLastModifiedTime(p, FileTime.fromMillis(mtimeMillis));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public MirrorTree symlink(String path, String target) {
        try {
            Path p = root.resolve(path);
            Files.createDirectories(p.getParent());
            Files.createSymbolicLink(p, Path.of(target));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies every regular file of this tree to {@code other} (sizes and mtimes kept). */
    public MirrorTree copyTo(MirrorTree other) {
        forEachFile((rel, attrs) -> other.file(rel, (int) attrs.size(), attrs.lastModifiedTime().toMillis()));
        return other;
    }

    public MirrorTree delete(String path) {
        try {
            Files.delete(root.resolve(path));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Publishes this tree's regular files as the local index of {@code index}. */
    public void publishAsLocal(Index index, long nowMillis) {
        FileTable.Builder b = index.snapshot().files().toBuilder();
        forEachFile((rel, attrs) -> b.put(rel, attrs.size(), attrs.lastModifiedTime().toMillis(), nowMillis));
        index.publishFiles(b);
    }

    private void forEachFile(java.util.function.BiConsumer<String, BasicFileAttributes> action) {
        try (Stream<Path> s = Files.walk(root)) {
            s.forEach(p -> {
                try {
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    if (a.isRegularFile()) {
                        action.accept(root.relativize(p).toString(), a);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
