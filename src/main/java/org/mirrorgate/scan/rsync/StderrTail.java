package org.mirrorgate.scan.rsync;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.mirrorgate.scan.BoundedLineReader;
import org.mirrorgate.scan.ListingPaths;

/**
 * Drains a child process's stderr on its own thread (so the child never blocks on a full pipe) and
 * keeps the first few lines, bounded, for the failure reason.
 */
final class StderrTail {

    private static final int KEEP = 3;

    private final List<String> lines = new ArrayList<>();
    private final Thread thread;

    private StderrTail(InputStream in, String name) {
        thread = new Thread(() -> drain(in), name);
        thread.setDaemon(true);
    }

    static StderrTail start(InputStream in, String name) {
        StderrTail t = new StderrTail(in, name);
        t.thread.start();
        return t;
    }

    private void drain(InputStream in) {
        BoundedLineReader r = new BoundedLineReader(in, 1024);
        try (in) {
            for (int len; (len = r.next()) != BoundedLineReader.EOF; ) {
                if (len > 0) {
                    synchronized (lines) {
                        if (lines.size() < KEEP) {
                            lines.add(ListingPaths.printable(new String(r.line(), 0, len, StandardCharsets.UTF_8)));
                        }
                    }
                }
            }
        } catch (IOException e) {
            // the process went away; what was read is enough
        }
    }

    /** The kept lines joined with "; ", after the stream ended (waits at most a second). */
    String await() {
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (lines) {
            return String.join("; ", lines);
        }
    }
}
