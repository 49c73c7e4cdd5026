package org.mirrorgate.pages;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.mirrorgate.index.Digest;
import org.mirrorgate.index.FileTable;

/** {@code ?sha256} / {@code ?sha1} / {@code ?md5}: one line in sha256sum format, or a 404 saying why not. */
final class ChecksumPage {

    private ChecksumPage() {}

    static Page render(FileTable files, int id, Digest digest) {
        byte[] value = files.digest(id, digest);
        if (value == null) {
            String why = files.digests().contains(digest) ? digest.key() + " not computed yet for this file"
                    : digest.key() + " is not kept for this repository";
            return new Page(404, Page.TEXT, (why + "\n").getBytes(StandardCharsets.UTF_8), "checksum unavailable", 0);
        }
        String line = HexFormat.of().formatHex(value) + "  " + Pages.baseName(files.path(id)) + "\n";
        return new Page(200, Page.TEXT, line.getBytes(StandardCharsets.UTF_8), digest.key(), files.size(id));
    }
}
