package org.mirrorgate.repo;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens a directory for listing. A seam for tests: the suite runs as root here, and permissions do
 * not stop root, so "this directory cannot be read" is simulated through it.
 */
@FunctionalInterface
interface DirectoryOpener {

    DirectoryOpener DEFAULT = Files::newDirectoryStream;

    DirectoryStream<Path> open(Path dir) throws IOException;
}
