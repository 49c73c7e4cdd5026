package org.mirrorgate.repo;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.mirrorgate.index.Digest;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.Index;

/** A repository root, an index with a hand-driven clock, and a scanner over them. */
final class RepositoryFixture implements AutoCloseable {

    static final long T0 = 1_700_000_000_000L;

    final Path root;
    final AtomicLong clock = new AtomicLong(T0);
    final Index index = new Index(List.of(), clock::get);
    final RepositoryIndexer scanner;

    RepositoryFixture(RepositorySettings settings) {
        this(settings, DirectoryOpener.DEFAULT);
    }

    RepositoryFixture(RepositorySettings settings, DirectoryOpener opener) {
        this(settings, opener, Duration.ofSeconds(10));
    }

    RepositoryFixture(RepositorySettings settings, DirectoryOpener opener, Duration retryUntilReady) {
        this.root = settings.root();
        this.scanner = new RepositoryIndexer(settings, index, opener, retryUntilReady);
    }

    static RepositoryFixture of(Path root) {
        return new RepositoryFixture(RepositorySettings.defaults(root));
    }

    /** Writes {@code content} to {@code rel} under the root, with mtime {@code mtimeSeconds}. */
    Path write(String rel, String content, long mtimeSeconds) {
        try {
            Path p = root.resolve(rel);
            Files.createDirectories(p.getParent());
            Files.writeString(p, content, StandardCharsets.UTF_8);
            Files.setLastModifiedTime(p, FileTime.fromMillis(mtimeSeconds * 1000));
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    WalkSummary scan() {
        return scanner.scanOnce();
    }

    /** Scans, then waits until every digest is published. */
    WalkSummary scanAndHash() {
        WalkSummary s = scan();
        await().atMost(Duration.ofSeconds(20)).until(scanner::hashingIdle);
        return s;
    }

    FileTable files() {
        return index.snapshot().files();
    }

    int id(String path) {
        return files().idOf(path);
    }

    String hex(String path, Digest digest) {
        byte[] d = files().digest(id(path), digest);
        return d == null ? null : HexFormat.of().formatHex(d);
    }

    void advance(Duration d) {
        clock.addAndGet(d.toMillis());
    }

    @Override
    public void close() {
        scanner.stop();
    }
}
