package org.mirrorgate.scan.monitor;

/**
 * The result of one scan of one mirror, as the ScanMirror RPC's last message and the event log
 * report it.
 *
 * @param mirror the mirror's name
 * @param success true when the listing was published; false when the last good state was kept
 * @param protocol "rsync", "ftp" or "http" (the listing used, or the last one tried)
 * @param summary one line: "ok via rsync: 12034 files, 12001 matching, 20 outdated, 13 missing ..."
 *     or "failed via ftp: timed out after 2h; last good state kept"
 * @param entries regular files listed (or read before the failure)
 * @param matching local files the mirror holds up to date (0 when the scan failed)
 * @param outdated local files it holds in another version (0 when failed)
 * @param missing local files it does not hold (0 when failed)
 * @param unknown listed files that are not in the local index
 * @param rejected listing entries refused (bad paths, unparsable lines)
 * @param durationMillis wall time of the scan
 */
public record ScanOutcome(
        String mirror,
        boolean success,
        String protocol,
        String summary,
        long entries,
        long matching,
        long outdated,
        long missing,
        long unknown,
        int rejected,
        long durationMillis) {}
