package org.mirrorgate.scan;

import java.net.URI;
import java.util.List;

/** Lists a mirror's regular files over one protocol into a {@link ListingCollector}. */
public interface MirrorLister {

    /** "rsync", "ftp" or "http": names the listing in events and summaries. */
    String protocol();

    /**
     * Streams every regular file under {@code url} into {@code out}, and sets the listing's mtime
     * precision on it.
     *
     * @return warnings that did not spoil the listing (rsync's partial-transfer exit codes ...)
     * @throws ScanFailedException when no complete listing could be taken; the reason is the message
     */
    List<String> list(URI url, ListingCollector out) throws ScanFailedException;
}
