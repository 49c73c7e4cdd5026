package org.mirrorgate.stats;

/**
 * Counts downloads. Called on the request path for every GET that Resolve answers with a redirect
 * or local serving: implementations only add to in-memory counters and flush elsewhere.
 */
@FunctionalInterface
public interface DownloadRecorder {

    DownloadRecorder NONE = (path, mirror, country, bytes) -> { };

    /**
     * @param path the file, relative to the repository root
     * @param mirror the mirror's name, or "" when served locally
     * @param country the client's ISO country code, or ""
     * @param bytes the file's size
     */
    void record(String path, String mirror, String country, long bytes);

    /**
     * The same, with the client's address, for a recorder that counts one client's repeated
     * requests for one file once ({@link SameDownloadFilter}); by default the address is not used.
     */
    default void record(String clientIp, String path, String mirror, String country, long bytes) {
        record(path, mirror, country, bytes);
    }

    /**
     * Counts a request for a mirror list (no file is downloaded): apt's mirror-method list. The
     * default drops it, for recorders that count downloads only (tests, {@link #NONE}).
     *
     * @param kind the list's kind, e.g. "apt"
     */
    default void recordList(String kind) {}
}
