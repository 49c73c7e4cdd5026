package org.mirrorgate.downloadlog;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * The download log ({@code downloads.log-*} in the config).
 *
 * @param file where lines go; null = no log
 * @param clientIp how the client's address is written
 * @param maxBytes rotate once the file would grow past this (to {@code file.1}, {@code file.2}, ...);
 *     0 = never by size (logrotate renames it and sends SIGUSR1)
 * @param keep rotated files kept when rotating by size (>= 1)
 * @param queueLines lines waiting for the writer, at most; beyond, lines are dropped and counted
 */
public record DownloadLogSettings(Path file, ClientIpForm clientIp, long maxBytes, int keep, int queueLines) {

    public static final DownloadLogSettings DEFAULTS = new DownloadLogSettings(null, ClientIpForm.TRUNCATED, 0, 5,
            65_536);

    public DownloadLogSettings {
        requireNonNull(clientIp, "clientIp");
        checkArgument(maxBytes >= 0, "maxBytes: %s (expected: >= 0)", maxBytes);
        checkArgument(keep >= 1, "keep: %s (expected: >= 1)", keep);
        checkArgument(queueLines >= 1, "queueLines: %s (expected: >= 1)", queueLines);
    }

    public boolean enabled() {
        return file != null;
    }
}
