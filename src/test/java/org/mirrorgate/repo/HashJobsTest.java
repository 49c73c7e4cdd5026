package org.mirrorgate.repo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mirrorgate.index.Digest;
import org.mirrorgate.index.FileTable;
import org.mirrorgate.index.Index;
import org.mirrorgate.repo.HashJobs.Job;

class HashJobsTest {

    private static final long NOW = 1_700_000_000_000L;

    private final Index index = new Index(List.of(), () -> NOW);
    private final HashJobs jobs = new HashJobs(index, Set.of(Digest.SHA256));

    @Test
    void eachFileLackingADigestIsHandedOutOncePerPass() {
        put("a", 1, 1_000);
        put("b", 1, 1_000);
        jobs.wake();

        Job first = jobs.poll();
        Job second = jobs.poll();

        assertThat(List.of(first.path(), second.path())).containsExactlyInAnyOrder("a", "b");
        assertThat(jobs.poll()).isNull();
        jobs.wake();
        assertThat(jobs.poll()).as("both still in flight").isNull();
        assertThat(jobs.idle()).isFalse();
    }

    @Test
    void filesWithTheirDigestsAndDeletedFilesAreNotHandedOut() {
        FileTable.Builder b = index.snapshot().files().toBuilder().keepDigest(Digest.SHA256);
        b.setDigest(b.put("hashed", 1, 1_000, NOW), Digest.SHA256, new byte[32]); // zeros: still "lacking"
        int done = b.put("done", 1, 1_000, NOW);
        byte[] d = new byte[32];
        d[0] = 1;
        b.setDigest(done, Digest.SHA256, d);
        b.markDeleted(b.put("gone", 1, 1_000, NOW), NOW);
        index.publishFiles(b);
        jobs.wake();

        assertThat(jobs.poll().path()).isEqualTo("hashed");
        assertThat(jobs.poll()).isNull();
    }

    @Test
    void aJobWhoseDigestWasFoundStaleMakesAnotherPass() {
        put("a", 1, 1_000);
        jobs.wake();
        Job old = jobs.poll();
        put("a", 2, 2_000); // the walk saw a new version while the old one was hashed
        jobs.wake();
        assertThat(jobs.poll()).as("skipped: still in flight").isNull();

        assertThat(old.sameVersionIn(index.snapshot().files())).isFalse();
        jobs.finished(List.of(old), true);

        Job again = jobs.poll();
        assertThat(again).isEqualTo(new Job(old.id(), "a", 2, 2_000));
    }

    @Test
    void aFileThatCouldNotBeReadIsRetriedOnlyOnceItsVersionChanges() {
        put("a", 1, 1_000);
        jobs.wake();
        jobs.failed(jobs.poll());
        jobs.wake();

        assertThat(jobs.poll()).isNull();
        assertThat(jobs.idle()).isTrue();

        put("a", 1, 3_000);
        jobs.wake();
        assertThat(jobs.poll().mtimeMillis()).isEqualTo(3_000);
    }

    @Test
    void aFileChangedWhileHashingWaitsForTheNextWalk() {
        put("a", 1, 1_000);
        jobs.wake();
        jobs.changedWhileHashing(jobs.poll());

        assertThat(jobs.poll()).as("no pass until a walk publishes the new version").isNull();
        assertThat(jobs.idle()).isTrue();
    }

    private void put(String path, long size, long mtime) {
        FileTable.Builder b = index.snapshot().files().toBuilder().keepDigest(Digest.SHA256);
        b.put(path, size, mtime, NOW);
        index.publishFiles(b);
    }
}
