package org.mirrorgate.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mirrorgate.index.Digest;

class FileDigesterTest {

    @TempDir
    Path root;

    private final FileDigester digester = new FileDigester(new Digest[] {Digest.MD5, Digest.SHA256});

    @Test
    void allDigestsComeFromOneReadInTheConstructorsOrder() throws Exception {
        write("f", "hello\n", 1_000);

        byte[][] d = digester.digest(root.toRealPath(), new HashJobs.Job(0, "f", 6, 1_000_000));

        assertThat(HexFormat.of().formatHex(d[0])).isEqualTo("b1946ac92492d2347c6235b4d2611184");
        assertThat(HexFormat.of().formatHex(d[1]))
                .isEqualTo("5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03");
    }

    @Test
    void aFileWhoseMtimeIsNoLongerTheJobsGivesNoDigest() throws Exception {
        write("f", "hello\n", 2_000); // rewritten in place after the walk saw mtime 1000 s

        assertThat(digester.digest(root.toRealPath(), new HashJobs.Job(0, "f", 6, 1_000_000))).isNull();
    }

    @Test
    void aFileWhoseSizeIsNoLongerTheJobsGivesNoDigest() throws Exception {
        write("f", "hello, world\n", 1_000);

        assertThat(digester.digest(root.toRealPath(), new HashJobs.Job(0, "f", 6, 1_000_000))).isNull();
    }

    @Test
    void aLinkRepointedOutsideTheRootIsRefused() throws Exception {
        Path repo = Files.createDirectory(root.resolve("repo"));
        write("outside", "x", 1_000);
        Files.createSymbolicLink(repo.resolve("f"), root.resolve("outside"));

        assertThatThrownBy(() -> digester.digest(repo.toRealPath(), new HashJobs.Job(0, "f", 1, 1_000_000)))
                .isInstanceOf(IOException.class).hasMessageContaining("now leads outside the root");
    }

    private void write(String rel, String content, long mtimeSeconds) throws IOException {
        Path p = Files.writeString(root.resolve(rel), content);
        Files.setLastModifiedTime(p, FileTime.fromMillis(mtimeSeconds * 1000));
    }
}
