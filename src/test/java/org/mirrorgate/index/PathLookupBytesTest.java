package org.mirrorgate.index;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link FileTable#idOfAscii} (a listing's bytes, no String) agrees with {@link FileTable#idOf}
 * for every path, through built slots, the overlay of paths added since, purged and reused ids.
 */
class PathLookupBytesTest {

    private static final long T = 1_700_000_000_000L;

    @Test
    void theByteLookupFindsWhatTheStringLookupFindsOrAsksForTheString() {
        SplittableRandom random = new SplittableRandom(11);
        List<String> paths = new ArrayList<>();
        FileTable.Builder b = FileTable.EMPTY.toBuilder();
        for (int i = 0; i < 20_000; i++) {
            String p = "pool/main/" + (char) ('a' + random.nextInt(26)) + "/pkg" + random.nextInt(1_000_000) + "_" + i + ".deb";
            paths.add(p);
            b.put(p, i, T, T);
        }
        FileTable built = b.build();
        // paths added since the slots were built go to the overlay; some ids are purged
        FileTable.Builder more = built.toBuilder();
        for (int i = 0; i < 50; i++) {
            String p = "dists/new/" + i + "/Packages.xz";
            paths.add(p);
            more.put(p, i, T, T);
        }
        for (int i = 0; i < 30; i++) {
            more.purge(built.idOf(paths.get(i * 7)));
        }
        FileTable table = more.build();
        List<String> probes = new ArrayList<>(paths);
        probes.add("pool/main/z/not-there.deb");
        probes.add("");
        probes.add("dists/new/1/Packages.x");
        int asked = 0;
        for (String p : probes) {
            byte[] bytes = ("xx" + p + "yy").getBytes(US_ASCII); // the name inside a longer line
            int id = table.idOfAscii(bytes, 2, bytes.length - 2);
            int expected = table.idOf(p);
            if (id == FileTable.ASK_WITH_STRING) {
                asked++;
                continue;
            }
            assertThat(id).as(p).isEqualTo(expected);
        }
        // While an overlay exists, what the slots miss needs the String: the 50 added since, the 30
        // purged and the 3 absent paths; the other 19,970 are answered from the bytes.
        assertThat(asked).isEqualTo(83);
        assertThat(table.idOfAscii("pool".getBytes(US_ASCII), 0, 4)).isIn(-1, FileTable.ASK_WITH_STRING);

        FileTable rebuilt = FileTable.EMPTY.toBuilder().build();
        assertThat(rebuilt.idOfAscii("a".getBytes(US_ASCII), 0, 1)).isEqualTo(-1);
    }
}
