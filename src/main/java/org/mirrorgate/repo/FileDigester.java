package org.mirrorgate.repo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.mirrorgate.index.Digest;

/**
 * Computes every configured digest of a file in one read. One per hash thread: it reuses its
 * MessageDigests and its buffer.
 */
final class FileDigester {

    private static final int BUFFER_BYTES = 256 * 1024;

    private final Digest[] digests;
    private final MessageDigest[] engines;
    private final byte[] buffer = new byte[BUFFER_BYTES];

    FileDigester(Digest[] digests) {
        this.digests = digests.clone();
        this.engines = new MessageDigest[digests.length];
        for (int i = 0; i < digests.length; i++) {
            try {
                engines[i] = MessageDigest.getInstance(digests[i].jcaName());
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(digests[i].jcaName() + ": not provided by this JVM", e);
            }
        }
    }

    /**
     * The digests of {@code job}'s file, in the order of the digests given to the constructor, or
     * null when the file's size or mtime is no longer the job's (it changed before or while it was
     * read: the digest would belong to no version the index knows).
     *
     * @throws IOException when the file cannot be read, or now leads outside {@code realRoot}
     */
    byte[][] digest(Path realRoot, HashJobs.Job job) throws IOException {
        // The walk followed symlinks only inside the root; one may have been repointed since.
        Path file = realRoot.resolve(job.path()).toRealPath();
        if (!file.startsWith(realRoot)) {
            throw new IOException("now leads outside the root, to " + file);
        }
        for (MessageDigest e : engines) {
            e.reset();
        }
        long total = 0;
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                for (MessageDigest e : engines) {
                    e.update(buffer, 0, n);
                }
                total += n;
            }
        }
        BasicFileAttributes after = Files.readAttributes(file, BasicFileAttributes.class);
        if (total != job.size() || after.size() != job.size()
                || after.lastModifiedTime().toMillis() != job.mtimeMillis()) {
            return null;
        }
        byte[][] out = new byte[engines.length][];
        for (int i = 0; i < engines.length; i++) {
            out[i] = engines[i].digest();
        }
        return out;
    }

    Digest[] digests() {
        return digests.clone();
    }
}
