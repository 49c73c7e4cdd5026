package org.mirrorgate.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class FileTableTest {

    @Test
    void findsEveryPathItWasGivenAndNoOther() {
        FileTable.Builder b = FileTable.EMPTY.toBuilder();
        for (int i = 0; i < 10_000; i++) {
            b.put("pool/main/p" + i + "/file" + i + ".deb", i, 1000L * i, 1);
        }
        FileTable t = b.build();
        assertThat(t.fileCount()).isEqualTo(10_000);
        for (int i = 0; i < 10_000; i++) {
            int id = t.idOf("pool/main/p" + i + "/file" + i + ".deb");
            assertThat(id).isNotNegative();
            assertThat(t.size(id)).isEqualTo(i);
        }
        assertThat(t.idOf("pool/main/p1/file2.deb")).isEqualTo(-1);
        assertThat(t.isDirectory("pool/main/")).isTrue();
        assertThat(t.isDirectory("")).isTrue();
        assertThat(t.isDirectory("pool/mai/")).isFalse();
    }

    @Test
    void pathsWithTheSameHashAreStillToldApart() {
        // "Aa" and "BB" have the same String.hashCode, so every string of them in blocks of two does
        List<String> colliding = List.of("AaAa", "AaBB", "BBAa", "BBBB");
        FileTable.Builder b = FileTable.EMPTY.toBuilder();
        for (int i = 0; i < 3; i++) {
            b.put(colliding.get(i), i, 1, 1);
        }
        FileTable t = b.build();
        for (int i = 0; i < 3; i++) {
            assertThat(t.size(t.idOf(colliding.get(i)))).isEqualTo(i);
        }
        assertThat(t.idOf("BBBB")).as("same hash, not in the table").isEqualTo(-1);
    }

    @Test
    void aChangedSizeOrMtimeIsANewVersionThatLosesItsDigest() {
        FileTable.Builder b = FileTable.EMPTY.toBuilder().keepDigest(Digest.SHA256);
        int id = b.put("a.deb", 10, 5000, 1);
        b.setDigest(id, Digest.SHA256, new byte[32]);
        byte[] sha = new byte[32];
        sha[0] = 7;
        b.setDigest(id, Digest.SHA256, sha);
        FileTable t1 = b.build();
        assertThat(t1.digest(id, Digest.SHA256)).isEqualTo(sha);

        FileTable.Builder b2 = t1.toBuilder();
        assertThat(b2.put("a.deb", 10, 5000, 2)).isEqualTo(id);
        assertThat(b2.changedIds().isEmpty()).as("same size and mtime: unchanged").isTrue();
        b2.put("a.deb", 11, 5000, 3);
        FileTable t2 = b2.build();
        assertThat(b2.changedIds().contains(id)).isTrue();
        assertThat(t2.digest(id, Digest.SHA256)).isNull();
        assertThat(t2.changedAtMillis(id)).isEqualTo(3);
        assertThat(t1.size(id)).as("the old table is untouched").isEqualTo(10);
    }

    @Test
    void deletedFilesStayUntilPurgedAndPurgedIdsAreReused() {
        FileTable.Builder b = FileTable.EMPTY.toBuilder();
        int a = b.put("a", 1, 1, 1);
        b.put("b", 1, 1, 1);
        FileTable t = b.build();
        FileTable.Builder b2 = t.toBuilder();
        b2.markDeleted(a, 99);
        FileTable t2 = b2.build();
        assertThat(t2.idOf("a")).isEqualTo(a);
        assertThat(t2.deletedAtMillis(a)).isEqualTo(99);
        assertThat(t2.deletedCount()).isEqualTo(1);
        assertThat(t2.fileCount()).isEqualTo(2);

        FileTable.Builder b3 = t2.toBuilder();
        b3.purge(a);
        int c = b3.put("c", 2, 2, 5);
        FileTable t3 = b3.build();
        assertThat(c).as("purged id reused").isEqualTo(a);
        assertThat(t3.idOf("a")).isEqualTo(-1);
        assertThat(t3.path(c)).isEqualTo("c");
        assertThat(t3.isDeleted(c)).isFalse();
    }

    @Test
    void refusesANegativeSize() {
        assertThatThrownBy(() -> FileTable.EMPTY.toBuilder().put("a", -1, 0, 0))
                .hasMessage("size: -1 (expected: >= 0)");
    }
}
