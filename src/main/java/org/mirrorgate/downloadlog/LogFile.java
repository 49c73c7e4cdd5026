package org.mirrorgate.downloadlog;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The log file as the writer thread holds it: appended to, rotated by size, reopened (after
 * logrotate renamed it). One thread only.
 */
final class LogFile {

    private final Path path;
    private final long maxBytes;
    private final int keep;
    private OutputStream out;
    private long size;

    LogFile(Path path, long maxBytes, int keep) {
        this.path = path;
        this.maxBytes = maxBytes;
        this.keep = keep;
    }

    boolean isOpen() {
        return out != null;
    }

    /** Opens (creating it, appending to what is there). */
    void open() throws IOException {
        if (path.getParent() != null) {
            Files.createDirectories(path.getParent());
        }
        // A FileOutputStream, not Files.newOutputStream: a FileChannel closes itself when its thread
        // is interrupted, and close() interrupts the writer to make it drain and stop.
        out = new BufferedOutputStream(new FileOutputStream(path.toFile(), true), 64 * 1024);
        size = Files.size(path);
    }

    /** Appends one line; rotates first when it would pass the size limit (a line never straddles two files). */
    void write(byte[] line, int length) throws IOException {
        if (maxBytes > 0 && size > 0 && size + length > maxBytes) {
            rotate();
        }
        out.write(line, 0, length);
        size += length;
    }

    void flush() throws IOException {
        if (out != null) {
            out.flush();
        }
    }

    /** Closes and opens the path again: after logrotate moved the file, the lines go to a new one. */
    void reopen() throws IOException {
        close();
        open();
    }

    /** {@code file.keep} is dropped, each {@code file.N} becomes {@code file.N+1}, the file becomes {@code file.1}. */
    private void rotate() throws IOException {
        close();
        for (int i = keep - 1; i >= 1; i--) {
            Path from = numbered(i);
            if (Files.exists(from)) {
                Files.move(from, numbered(i + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.move(path, numbered(1), StandardCopyOption.REPLACE_EXISTING);
        open();
    }

    private Path numbered(int n) {
        return path.resolveSibling(path.getFileName() + "." + n);
    }

    void close() throws IOException {
        OutputStream o = out;
        out = null;
        if (o != null) {
            o.close();
        }
    }
}
