package org.mirrorgate.geo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;

/**
 * What identifies one version of a database file without reading it: the file key (device and
 * inode), modification time and size.
 *
 * <p>The inode is what makes a replacement visible for sure: the recommended way to update a
 * database (and what geoipupdate and deploy/fetch-geoip.sh do) is to write a new file and rename
 * it over the old one, which always changes the inode even when the new file has the same size and
 * was written within the file system's timestamp granularity.
 *
 * @param fileKey the file system's identity of the file, or null where there is none
 * @param modified last modification time; null when the file could not be read
 * @param size size in bytes; -1 when the file could not be read
 */
record FileStamp(Object fileKey, FileTime modified, long size) {

    /** The stamp of a file that is missing or cannot be read. */
    static final FileStamp UNREADABLE = new FileStamp(null, null, -1);

    /** The current stamp of {@code file} (following links), or {@link #UNREADABLE}. */
    static FileStamp of(Path file) {
        try {
            var attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return new FileStamp(attributes.fileKey(), attributes.lastModifiedTime(), attributes.size());
        } catch (IOException | SecurityException e) {
            return UNREADABLE;
        }
    }
}
