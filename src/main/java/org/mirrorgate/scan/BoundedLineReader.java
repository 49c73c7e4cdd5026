package org.mirrorgate.scan;

import java.io.IOException;
import java.io.InputStream;

/**
 * Splits a byte stream into lines of at most {@code maxLine} bytes without ever buffering more: a
 * longer line is skipped to its end and reported as {@link #TOO_LONG}, so a hostile mirror sending
 * one endless line costs a fixed 64 KiB + maxLine, not the heap. A trailing '\r' is dropped (FTP
 * and HTTP lines end in CRLF).
 */
public final class BoundedLineReader {

    public static final int EOF = -1;
    public static final int TOO_LONG = -2;

    private final InputStream in;
    private final byte[] buf = new byte[65_536];
    private final byte[] line;
    private int pos;
    private int limit;
    private long lines;

    public BoundedLineReader(InputStream in, int maxLine) {
        this.in = in;
        this.line = new byte[maxLine];
    }

    /**
     * Reads the next line into {@link #line()}.
     *
     * @return its length, {@link #TOO_LONG} (the line was skipped), or {@link #EOF}
     */
    public int next() throws IOException {
        int len = 0;
        boolean tooLong = false;
        boolean any = false;
        while (true) {
            if (pos == limit) {
                limit = in.read(buf, 0, buf.length);
                pos = 0;
                if (limit <= 0) {
                    limit = 0;
                    if (!any) {
                        return EOF;
                    }
                    break; // last line without a newline
                }
            }
            any = true;
            int start = pos;
            int nl = -1;
            for (int i = pos; i < limit; i++) {
                if (buf[i] == '\n') {
                    nl = i;
                    break;
                }
            }
            int end = nl < 0 ? limit : nl;
            int chunk = end - start;
            if (!tooLong) {
                if (len + chunk > line.length) {
                    tooLong = true;
                } else {
                    System.arraycopy(buf, start, line, len, chunk);
                    len += chunk;
                }
            }
            pos = nl < 0 ? limit : nl + 1;
            if (nl >= 0) {
                break;
            }
        }
        lines++;
        if (tooLong) {
            return TOO_LONG;
        }
        return len > 0 && line[len - 1] == '\r' ? len - 1 : len;
    }

    /** The buffer holding the last line read; valid until the next call. */
    public byte[] line() {
        return line;
    }

    /** Lines read so far, skipped ones included. */
    public long lines() {
        return lines;
    }
}
