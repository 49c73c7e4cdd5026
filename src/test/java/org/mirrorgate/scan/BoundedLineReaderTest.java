package org.mirrorgate.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BoundedLineReaderTest {

    private static List<String> lines(InputStream in, int max) throws IOException {
        BoundedLineReader r = new BoundedLineReader(in, max);
        List<String> out = new ArrayList<>();
        for (int n; (n = r.next()) != BoundedLineReader.EOF; ) {
            out.add(n == BoundedLineReader.TOO_LONG ? "<too long>" : new String(r.line(), 0, n, StandardCharsets.UTF_8));
        }
        return out;
    }

    @Test
    void splitsOnNewlinesDropsCarriageReturnsAndKeepsALastLineWithoutNewline() throws IOException {
        byte[] text = "a\r\nbb\n\nlast".getBytes(StandardCharsets.UTF_8);
        assertThat(lines(new ByteArrayInputStream(text), 16)).containsExactly("a", "bb", "", "last");
    }

    @Test
    void anEndlessLineIsSkippedWithoutBufferingIt() throws IOException {
        // 200 MB of one line, generated lazily: the reader must not hold it.
        InputStream endless = new InputStream() {
            long left = 200_000_000L;
            @Override
            public int read() {
                return left-- > 0 ? 'x' : left == -1 ? '\n' : -1;
            }
            @Override
            public int read(byte[] b, int off, int len) {
                if (left < 0) {
                    return left-- == -1 ? put(b, off) : -1;
                }
                int n = (int) Math.min(len, left);
                java.util.Arrays.fill(b, off, off + n, (byte) 'x');
                left -= n;
                if (n == 0) {
                    left = -1;
                    return put(b, off);
                }
                return n;
            }
            private int put(byte[] b, int off) {
                b[off] = '\n';
                left = -2;
                return 1;
            }
        };
        InputStream withTail = new java.io.SequenceInputStream(endless,
                new ByteArrayInputStream("ok\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(lines(withTail, 1024)).containsExactly("<too long>", "ok");
    }
}
