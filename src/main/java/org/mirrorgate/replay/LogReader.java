package org.mirrorgate.replay;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.mirrorgate.scan.BoundedLineReader;

/**
 * Streams the requests of log files to a sink: gzip recognised by its magic bytes (a rotated
 * {@code access.log.2.gz} and a plain file alike), lines split at a bounded length (a line of
 * garbage costs 16 KiB, not the heap), the format chosen per file from its first line unless one is
 * given. A bad line is counted, the first few kept with their file and line number, and skipped.
 */
final class LogReader {

    interface Sink {
        void accept(LogRequest request);
    }

    /** Longer lines are bad lines: Nginx's own request line limit is 8 KiB by default. */
    static final int MAX_LINE = 16_384;

    private final LogFormat format;
    private final int maxSamples;
    private final List<String> samples = new ArrayList<>();
    private long lines;
    private long bad;
    private long empty;
    private volatile long bytesRead;

    LogReader(LogFormat format, int maxSamples) {
        this.format = format;
        this.maxSamples = maxSamples;
    }

    /** Reads {@code file} to its end. @throws IOException the file cannot be read (gzip broken, gone) */
    void read(Path file, Sink sink) throws IOException {
        long before = bytesRead;
        try (InputStream raw = new Counting(Files.newInputStream(file), before)) {
            BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
            in.mark(2);
            boolean gzip = in.read() == 0x1f && in.read() == 0x8b;
            in.reset();
            BoundedLineReader lineReader = new BoundedLineReader(gzip ? new GZIPInputStream(in, 1 << 16) : in, MAX_LINE);
            CombinedLog combined = new CombinedLog();
            JsonLog json = new JsonLog();
            LogFormat f = format;
            long number = 0;
            int len;
            while ((len = lineReader.next()) != BoundedLineReader.EOF) {
                number++;
                lines++;
                if (len == BoundedLineReader.TOO_LONG) {
                    bad(file, number, "longer than " + MAX_LINE + " bytes");
                    continue;
                }
                if (len == 0 || isBlank(lineReader.line(), len)) {
                    empty++;
                    continue;
                }
                String line = new String(lineReader.line(), 0, len, StandardCharsets.UTF_8);
                if (f == LogFormat.AUTO) {
                    f = line.stripLeading().startsWith("{") ? LogFormat.JSON : LogFormat.COMBINED;
                }
                LogRequest r;
                try {
                    r = f == LogFormat.JSON ? json.parse(line) : combined.parse(line);
                } catch (BadLineException e) {
                    bad(file, number, e.getMessage());
                    continue;
                }
                sink.accept(r);
            }
        }
    }

    private static boolean isBlank(byte[] b, int len) {
        for (int i = 0; i < len; i++) {
            if (b[i] != ' ' && b[i] != '\t') {
                return false;
            }
        }
        return true;
    }

    private void bad(Path file, long number, String reason) {
        bad++;
        if (samples.size() < maxSamples) {
            samples.add(file.getFileName() + ":" + number + ": " + reason);
        }
    }

    long lines() {
        return lines;
    }

    long bad() {
        return bad;
    }

    /** Empty and blank lines: not requests, not errors (a log ending in a newline too much). */
    long empty() {
        return empty;
    }

    /** The first bad lines, as "file:line: reason". */
    List<String> samples() {
        return List.copyOf(samples);
    }

    /** Bytes read from the files so far (compressed bytes for gzip): the progress, against their sizes. */
    long bytesRead() {
        return bytesRead;
    }

    /** Counts what the file gives, for the progress line. */
    private final class Counting extends FilterInputStream {
        private final long base;
        private long count;

        Counting(InputStream in, long base) {
            super(in);
            this.base = base;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                bytesRead = base + ++count;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
                bytesRead = base + count;
            }
            return n;
        }
    }
}
