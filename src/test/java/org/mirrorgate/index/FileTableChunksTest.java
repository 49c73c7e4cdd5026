package org.mirrorgate.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.roaringbitmap.RoaringBitmap;

/** The copy-on-write structure of {@link FileTable}: what a new table shares, and that old ones stay as they were. */
class FileTableChunksTest {

    private static final int FILES = 10 * FileChunk.SIZE;

    private static FileTable table(int n) {
        FileTable.Builder b = FileTable.EMPTY.toBuilder().keepDigest(Digest.SHA256);
        for (int i = 0; i < n; i++) {
            int id = b.put(pathOf(i), i, 1000L * i, 5);
            b.setDigest(id, Digest.SHA256, digestOf(i));
        }
        return b.build();
    }

    private static String pathOf(int i) {
        return "pool/main/p" + (i % 97) + "/f" + i + ".deb";
    }

    private static byte[] digestOf(int i) {
        byte[] d = new byte[Digest.SHA256.length()];
        d[0] = (byte) (i | 1);
        d[1] = (byte) (i >> 8);
        return d;
    }

    @Test
    void aChangeCopiesOnlyTheChunkItTouches() {
        FileTable old = table(FILES);
        FileTable.Builder b = old.toBuilder();
        int id = old.idOf(pathOf(3000));
        b.put(old.path(id), 1, 2, 9);
        FileTable next = b.build();

        assertThat(next.sharesChunkWith(old, id)).isFalse();
        for (int other = 0; other < FILES; other += FileChunk.SIZE) {
            if (other >>> FileChunk.BITS != id >>> FileChunk.BITS) {
                assertThat(next.sharesChunkWith(old, other)).as("chunk of id %d", other).isTrue();
            }
        }
        assertThat(next.sharesSlotsWith(old)).as("no path added or purged: same slots").isTrue();
    }

    @Test
    void anAddedPathGoesToTheOverlayAndTheSlotsStayShared() {
        FileTable old = table(FILES);
        FileTable.Builder b = old.toBuilder();
        int id = b.put("dists/new/InRelease", 7, 8, 9);
        FileTable next = b.build();

        assertThat(next.idOf("dists/new/InRelease")).isEqualTo(id);
        assertThat(next.isDirectory("dists/new/")).isTrue();
        assertThat(next.isDirectory("dists/")).isTrue();
        assertThat(old.idOf("dists/new/InRelease")).isEqualTo(-1);
        assertThat(old.isDirectory("dists/new/")).isFalse();
        assertThat(next.idOf(pathOf(5))).isEqualTo(old.idOf(pathOf(5)));
    }

    @Test
    void oldTablesStayAsTheyWereAfterEveryKindOfEdit() {
        FileTable old = table(FILES);
        int changed = old.idOf(pathOf(1));
        int deleted = old.idOf(pathOf(2));
        int purged = old.idOf(pathOf(4));
        FileTable.Builder b = old.toBuilder();
        b.put(old.path(changed), 99, 99, 50);
        b.markDeleted(deleted, 60);
        b.purge(purged);
        int reused = b.put("new/file", 1, 1, 70);
        FileTable next = b.build();

        assertThat(reused).as("the purged id is reused").isEqualTo(purged);
        assertThat(old.size(changed)).isEqualTo(1);
        assertThat(old.digest(changed, Digest.SHA256)).isEqualTo(digestOf(1));
        assertThat(old.isDeleted(deleted)).isFalse();
        assertThat(old.path(purged)).isEqualTo(pathOf(4));
        assertThat(old.idOf(pathOf(4))).isEqualTo(purged);
        assertThat(old.fileCount()).isEqualTo(FILES);
        assertThat(old.deletedCount()).isZero();
        assertThat(old.lastChangeMillis()).isEqualTo(5);

        assertThat(next.size(changed)).isEqualTo(99);
        assertThat(next.digest(changed, Digest.SHA256)).as("a new version has no digest yet").isNull();
        assertThat(next.isDeleted(deleted)).isTrue();
        assertThat(next.idOf(pathOf(4))).isEqualTo(-1);
        assertThat(next.idOf("new/file")).isEqualTo(purged);
        assertThat(next.fileCount()).isEqualTo(FILES);
        assertThat(next.deletedCount()).isEqualTo(1);
        assertThat(next.lastChangeMillis()).isEqualTo(70);
    }

    @Test
    void aBuilderCannotChangeTheTableItBuilt() {
        FileTable.Builder b = table(10).toBuilder();
        FileTable t = b.build();
        assertThatThrownBy(() -> b.put("late", 1, 1, 1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class);
        assertThat(t.idOf("late")).isEqualTo(-1);
    }

    @Test
    void availabilitySharesTheContainersAChangeDoesNotTouch() {
        RoaringBitmap all = new RoaringBitmap();
        all.add(0L, 300_000L);
        RoaringBitmap remove = RoaringBitmap.bitmapOf(70_000, 70_001);
        RoaringBitmap out = Containers.without(all, remove);
        assertThat(out.getCardinality()).isEqualTo(300_000 - 2);
        assertThat(out.contains(70_000)).isFalse();
        assertThat(all.contains(70_000)).as("the input is not changed").isTrue();
        assertThat(out.getContainerPointer().getContainer()).as("container 0 shared")
                .isSameAs(all.getContainerPointer().getContainer());
    }

    /** Random edits over many generations against a plain map model; every generation is kept and rechecked. */
    @Test
    void matchesAPlainMapModelUnderRandomEdits() {
        SplittableRandom rnd = new SplittableRandom(12);
        record Rec(long size, long mtime, long deletedAt) {}
        List<FileTable> tables = new ArrayList<>();
        List<Map<String, Rec>> models = new ArrayList<>();
        FileTable t = FileTable.EMPTY;
        Map<String, Rec> model = new HashMap<>();
        int next = 0;
        for (int gen = 0; gen < 120; gen++) {
            FileTable.Builder b = t.toBuilder();
            int edits = gen == 0 ? 6_000 : 1 + rnd.nextInt(gen % 10 == 0 ? 2_000 : 40);
            List<String> paths = new ArrayList<>(model.keySet());
            for (int e = 0; e < edits; e++) {
                int op = paths.isEmpty() ? 0 : rnd.nextInt(4);
                String path = op == 0 ? "d" + rnd.nextInt(50) + "/f" + (next++) : paths.get(rnd.nextInt(paths.size()));
                long now = 1000L + gen;
                switch (op) {
                    case 0, 1 -> {
                        long size = rnd.nextInt(3);
                        b.put(path, size, 7, now);
                        model.put(path, new Rec(size, 7, 0));
                    }
                    case 2 -> {
                        int id = b.idOf(path);
                        if (id >= 0) {
                            b.markDeleted(id, now);
                            Rec r = model.get(path);
                            model.put(path, new Rec(r.size, r.mtime, r.deletedAt == 0 ? now : r.deletedAt));
                        }
                    }
                    default -> {
                        int id = b.idOf(path);
                        if (id >= 0) {
                            b.purge(id);
                            model.remove(path);
                            paths.remove(path);
                        }
                    }
                }
            }
            t = b.build();
            tables.add(t);
            models.add(Map.copyOf(model));
            model = new HashMap<>(model);
        }
        for (int g = 0; g < tables.size(); g++) {
            FileTable table = tables.get(g);
            Map<String, Rec> m = models.get(g);
            assertThat(table.fileCount()).as("generation %d", g).isEqualTo(m.size());
            assertThat(table.deletedCount()).isEqualTo(m.values().stream().filter(r -> r.deletedAt != 0).count());
            m.forEach((path, r) -> {
                int id = table.idOf(path);
                assertThat(id).as("%s", path).isNotNegative();
                assertThat(table.path(id)).isEqualTo(path);
                assertThat(new Rec(table.size(id), table.mtimeMillis(id), table.deletedAtMillis(id))).isEqualTo(r);
                assertThat(table.isDirectory(path.substring(0, path.indexOf('/') + 1))).isTrue();
            });
            int live = 0;
            for (int id = 0; id < table.idLimit(); id++) {
                if (table.exists(id)) {
                    live++;
                    assertThat(m).containsKey(table.path(id));
                }
            }
            assertThat(live).isEqualTo(m.size());
            assertThat(table.idOf("d1/absent")).isEqualTo(-1);
        }
    }
}
