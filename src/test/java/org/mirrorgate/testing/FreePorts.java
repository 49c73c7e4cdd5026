package org.mirrorgate.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Free loopback ports for test servers, and a check that a server accepts connections. */
public final class FreePorts {

    /**
     * Ports handed out by this JVM, most recent last: the kernel may give a just-closed port again at
     * once, and two servers of one test (nginx's http and https listeners) were once told the same
     * port ("duplicate listen"). A port is not handed out twice while it is among the last 4096.
     */
    private static final java.util.LinkedHashSet<Integer> RECENT = new java.util.LinkedHashSet<>();
    private static final int REMEMBERED = 4096;

    private FreePorts() {}

    public static synchronized int next() {
        while (true) {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                s.setReuseAddress(true);
                port = s.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (RECENT.add(port)) {
                if (RECENT.size() > REMEMBERED) {
                    RECENT.remove(RECENT.iterator().next());
                }
                return port;
            }
        }
    }

    public static boolean accepting(int port) {
        return accepting("127.0.0.1", port);
    }

    /** True when something accepts connections on {@code address} (a literal IP, no DNS) and port. */
    public static boolean accepting(String address, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getByName(address), port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
