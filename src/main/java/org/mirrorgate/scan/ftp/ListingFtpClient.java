package org.mirrorgate.scan.ftp;

import java.io.IOException;
import java.net.Socket;
import org.apache.commons.net.ftp.FTPClient;
import org.mirrorgate.scan.BoundedLineReader;

/**
 * Commons Net's client with its data connection opened directly, so that listings are read as a
 * stream through a {@link BoundedLineReader}: the library's own list parsing reads whole lines of
 * any length into memory, which a hostile server could abuse.
 */
final class ListingFtpClient extends FTPClient {

    /** Sends {@code command arg} and returns the data connection, or null when the server refused. */
    Socket openData(String command, String arg) throws IOException {
        return _openDataConnection_(command, arg);
    }
}
